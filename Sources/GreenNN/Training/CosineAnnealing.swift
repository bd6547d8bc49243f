import Foundation

/// Cosine annealing (Loshchilov and Hutter 2017, "SGDR", without restarts): the rate falls
/// from `initial` to `minimum` along half a cosine over `epochs` epochs and stays there,
/// `minimum + (initial − minimum)·(1 + cos(π·min(epoch/epochs, 1)))/2` (PyTorch's `CosineAnnealingLR`).
public struct CosineAnnealing: LearningRateSchedule, Sendable {
    /// The rate at epoch 0.
    public let initial: Float
    /// The rate from `epochs` on.
    public let minimum: Float
    /// The length of the descent, in epochs (> 0; fractions allowed).
    public let epochs: Double

    /// Creates the schedule.
    /// - Throws: `TrainingError.invalidArgument` unless `0 <= minimum <= initial` and `epochs > 0`.
    public init(initial: Float, minimum: Float = 0, epochs: Double) throws {
        try requireHyperparameter(minimum, "minimum", of: "CosineAnnealing", in: "[0, initial]") {
            $0 >= 0 && $0 <= initial
        }
        guard epochs > 0, epochs.isFinite else {
            throw TrainingError.invalidArgument("CosineAnnealing: epochs must be > 0, got \(epochs)")
        }
        self.initial = initial
        self.minimum = minimum
        self.epochs = epochs
    }

    /// The rate on the half cosine at `epoch`.
    public func learningRate(atEpoch epoch: Double) -> Float {
        let progress = Swift.min(Swift.max(epoch / epochs, 0), 1)
        return minimum + (initial - minimum) * Float((1 + cos(Double.pi * progress)) / 2)
    }
}
