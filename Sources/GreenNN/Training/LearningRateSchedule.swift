/// A learning rate that changes over training, read by the `Trainer` before every step.
public protocol LearningRateSchedule {
    /// The rate at `epoch`, counted from 0 and fractional within an epoch (1.5 is halfway
    /// through the second epoch).
    func learningRate(atEpoch epoch: Double) -> Float
}
