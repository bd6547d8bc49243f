/// A loss evaluated on a mini-batch: its value and its gradient with respect to the
/// predictions, ready for `Layer.backward(_:)`.
public struct LossValue: Sendable {
    /// The loss, averaged over the batch.
    public let value: Float
    /// ∂value/∂predictions, the predictions' shape.
    public let gradient: Tensor

    /// Pairs a loss value with its gradient.
    public init(value: Float, gradient: Tensor) {
        self.value = value
        self.gradient = gradient
    }
}
