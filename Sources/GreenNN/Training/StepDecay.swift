import Foundation

/// Step decay: the rate is multiplied by `factor` every `stepEpochs` epochs,
/// `initial · factor^⌊epoch / stepEpochs⌋` (PyTorch's `StepLR`).
public struct StepDecay: LearningRateSchedule, Sendable {
    /// The rate during the first `stepEpochs` epochs.
    public let initial: Float
    /// Epochs between decays, >= 1.
    public let stepEpochs: Int
    /// The multiplier at each decay, in (0, 1].
    public let factor: Float

    /// Creates the schedule.
    /// - Throws: `TrainingError.invalidArgument` for a negative initial rate, `stepEpochs < 1`,
    ///   or a factor outside (0, 1].
    public init(initial: Float, stepEpochs: Int, factor: Float = 0.1) throws {
        try requireHyperparameter(initial, "initial", of: "StepDecay", in: "[0, ∞)") { $0 >= 0 }
        try requireHyperparameter(factor, "factor", of: "StepDecay", in: "(0, 1]") { $0 > 0 && $0 <= 1 }
        guard stepEpochs >= 1 else {
            throw TrainingError.invalidArgument("StepDecay: stepEpochs must be >= 1, got \(stepEpochs)")
        }
        self.initial = initial
        self.stepEpochs = stepEpochs
        self.factor = factor
    }

    /// `initial · factor^⌊epoch / stepEpochs⌋`.
    public func learningRate(atEpoch epoch: Double) -> Float {
        initial * pow(factor, Float((Swift.max(epoch, 0) / Double(stepEpochs)).rounded(.down)))
    }
}
