/// The gradients of a convolution or linear map `y = x ∗ w + b` for one output gradient:
/// the returns of `conv2dBackward`, `depthwiseConv2dBackward` and `linearBackward`.
///
/// Each is a fresh tensor of its operand's shape; layers add `weight` and `bias` into their
/// parameters' accumulated gradients.
public struct AffineGradients: Sendable {
    /// ∂loss/∂input, the input's shape; nil when the caller did not ask for it (the first
    /// layer of a network, whose input is data).
    public var input: Tensor?
    /// ∂loss/∂weight, the weight's shape, summed over the batch.
    public var weight: Tensor
    /// ∂loss/∂bias, `[O]`, summed over the batch and positions; nil for an operation without bias.
    public var bias: Tensor?

    /// Bundles the three gradients.
    public init(input: Tensor?, weight: Tensor, bias: Tensor?) {
        self.input = input
        self.weight = weight
        self.bias = bias
    }
}
