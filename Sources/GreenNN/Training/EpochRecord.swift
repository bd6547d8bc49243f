/// What one epoch of `Trainer.fit` achieved.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// The epoch, counted from 1.
    public let epoch: Int
    /// The mean of the mini-batch losses.
    public let trainingLoss: Double
    /// The fraction of training images classified correctly during the epoch (by the weights of
    /// the moment each batch was seen), in [0, 1].
    public let trainingAccuracy: Double
    /// The fraction of test images classified correctly after the epoch, or nil without a test set.
    public let testAccuracy: Double?
    /// Wall-clock seconds of the epoch's training steps (evaluation excluded).
    public let seconds: Double
    /// Wall-clock seconds of the evaluation on the test set (0 without one).
    public let evaluationSeconds: Double
    /// Training images per second: images seen / `seconds`.
    public let imagesPerSecond: Double

    /// A record from its measurements.
    public init(
        epoch: Int, trainingLoss: Double, trainingAccuracy: Double, testAccuracy: Double?, seconds: Double,
        evaluationSeconds: Double, imagesPerSecond: Double
    ) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.trainingAccuracy = trainingAccuracy
        self.testAccuracy = testAccuracy
        self.seconds = seconds
        self.evaluationSeconds = evaluationSeconds
        self.imagesPerSecond = imagesPerSecond
    }
}
