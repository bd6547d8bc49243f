import Foundation

/// An error from training: a loss that stopped being a number, a configuration outside its
/// range, data the trainer or a loss cannot use, or a stop asked for by `Trainer.shouldStop`.
/// Each message says where and why.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The loss of a mini-batch was NaN or infinite (epochs and batches count from 1).
    case nonFiniteLoss(epoch: Int, batch: Int, loss: Float)
    /// A hyper-parameter or setting outside its allowed range, naming the owner and the rule.
    case invalidArgument(String)
    /// Predictions, targets or a data set that do not fit together.
    case invalidData(String)
    /// `Trainer.shouldStop` returned true in `epoch` (counted from 1) after `batch` of its
    /// batches (0: before the first); `checkpoint` is the directory the trainer saved to, or
    /// nil without `Trainer.checkpointDirectory`.
    case interrupted(epoch: Int, batch: Int, checkpoint: URL?)

    /// One line: "training diverged at epoch 2, batch 117: the loss is nan; …".
    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, batch, loss):
            "training diverged at epoch \(epoch), batch \(batch): the loss is \(loss); lower the learning rate or check the data"
        case let .invalidArgument(message): message
        case let .invalidData(message): message
        case let .interrupted(epoch, batch, checkpoint):
            "training stopped in epoch \(epoch) after \(batch) batch(es); "
                + (checkpoint.map { "checkpoint saved in \($0.path)" } ?? "no checkpoint was saved")
        }
    }
}
