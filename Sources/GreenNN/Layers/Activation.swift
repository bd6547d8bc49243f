/// The activation a composite block inserts after its convolutions.
public enum Activation: String, Sendable, CaseIterable {
    /// `max(x, 0)`.
    case relu
    /// `min(max(x, 0), 6)`.
    case relu6

    /// The clamp it is: [0, ∞) or [0, 6] (what a plan fuses into the step before it).
    var bounds: (lower: Float, upper: Float) {
        switch self {
        case .relu: (0, .infinity)
        case .relu6: (0, 6)
        }
    }

    /// A fresh layer computing this activation.
    public func makeLayer() -> any Layer {
        switch self {
        case .relu: ReLU()
        case .relu6: ReLU6()
        }
    }
}
