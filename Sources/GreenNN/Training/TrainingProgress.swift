import Foundation

/// A snapshot of a running `Trainer.fit`, handed to its `progress` callback every
/// `progressInterval` batches and at the end of each epoch.
public struct TrainingProgress: Sendable {
    /// The epoch, counted from 1, and how many there are.
    public let epoch: Int, epochs: Int
    /// The batches done in this epoch, and how many it has.
    public let batch: Int, batches: Int
    /// The mean mini-batch loss so far in this epoch.
    public let loss: Double
    /// The fraction of this epoch's images classified correctly so far.
    public let accuracy: Double
    /// Training images per second so far in this epoch.
    public let imagesPerSecond: Double
    /// Joules since training started, when an energy reading was injected (`Trainer.energy`).
    public let joules: Double?

    /// Bundles the snapshot.
    public init(
        epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, accuracy: Double, imagesPerSecond: Double,
        joules: Double?
    ) {
        self.epoch = epoch
        self.epochs = epochs
        self.batch = batch
        self.batches = batches
        self.loss = loss
        self.accuracy = accuracy
        self.imagesPerSecond = imagesPerSecond
        self.joules = joules
    }

    /// "epoch 1/5  batch 300/938  loss 0.3127  accuracy 90.41%  21034 images/s  12.3 J".
    public var line: String {
        var text =
            "epoch \(epoch)/\(epochs)  batch \(batch)/\(batches)  loss "
            + String(format: "%.4f  accuracy %.2f%%  %.0f images/s", loss, 100 * accuracy, imagesPerSecond)
        if let joules { text += String(format: "  %.1f J", joules) }
        return text
    }
}
