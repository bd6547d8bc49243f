/// An error from training: a loss that stopped being a number, a configuration outside its
/// range, or data the trainer or a loss cannot use. Each message says where and why.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The loss of a mini-batch was NaN or infinite (epochs and batches count from 1).
    case nonFiniteLoss(epoch: Int, batch: Int, loss: Float)
    /// A hyper-parameter or setting outside its allowed range, naming the owner and the rule.
    case invalidArgument(String)
    /// Predictions, targets or a data set that do not fit together.
    case invalidData(String)

    /// One line: "training diverged at epoch 2, batch 117: the loss is nan; …".
    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, batch, loss):
            "training diverged at epoch \(epoch), batch \(batch): the loss is \(loss); lower the learning rate or check the data"
        case let .invalidArgument(message): message
        case let .invalidData(message): message
        }
    }
}
