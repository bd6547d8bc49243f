/// The activation a composite block inserts after its convolutions.
public enum Activation: String, Sendable, CaseIterable {
    /// `max(x, 0)`.
    case relu
    /// `min(max(x, 0), 6)`.
    case relu6

    /// A fresh layer computing this activation.
    public func makeLayer() -> any Layer {
        switch self {
        case .relu: ReLU()
        case .relu6: ReLU6()
        }
    }
}
