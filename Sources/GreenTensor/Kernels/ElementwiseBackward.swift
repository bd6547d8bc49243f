// The backward pass of the clamp family (ReLU, ReLU6, clamped), from the forward pass's
// output: the gradient passes where the output lies strictly inside (lower, upper), that is
// where the clamp was the identity, and is 0 where a bound was hit (PyTorch's rule for relu,
// relu6 and hardtanh). One compare per element; large tensors are split into chunks across threads.
internal import CKernels

/// Elements per parallel chunk, as in the forward element-wise kernels.
private let elementsPerChunk = 1 << 16

/// The input gradient of a clamp to `lower...upper`: `outputGradient` where
/// `lower < output < upper`, else 0.
/// - Parameters:
///   - outputGradient: ∂loss/∂output, any shape.
///   - output: the forward pass's output, the same shape.
///   - lower: the clamp's lower bound.
///   - upper: the clamp's upper bound.
/// - Returns: ∂loss/∂input, the same shape.
/// - Throws: `TensorError` when the shapes differ or `lower > upper`.
public func clampBackward(
    _ outputGradient: Tensor, output: Tensor, lower: Float, upper: Float
) throws(TensorError) -> Tensor {
    guard outputGradient.shape == output.shape else {
        throw .shapeMismatch(
            operation: "clampBackward", expected: "output gradient \(output.shape)", actual: outputGradient.shape)
    }
    guard lower <= upper else {
        throw .invalidArgument(operation: "clampBackward", message: "lower (\(lower)) must be <= upper (\(upper))")
    }
    let inputGradient = Tensor(uninitializedShape: output.shape)
    let values = SharedPointer(output.storage.base)
    let gradient = SharedPointer(outputGradient.storage.base)
    let destination = SharedPointer(inputGradient.storage.base)
    let count = output.elementCount
    parallelFor((count + elementsPerChunk - 1) / elementsPerChunk) { _, range in
        let start = range.lowerBound * elementsPerChunk
        let end = Swift.min(count, range.upperBound * elementsPerChunk)
        Kernels.table.clampBackward(
            values.base + start, gradient.base + start, end - start, lower, upper, destination.base + start)
    }
    return inputGradient
}

/// The input gradient of `relu`: `outputGradient` where `output > 0`, else 0.
/// - Throws: `TensorError.shapeMismatch` when the shapes differ.
public func reluBackward(_ outputGradient: Tensor, output: Tensor) throws(TensorError) -> Tensor {
    try clampBackward(outputGradient, output: output, lower: 0, upper: .infinity)
}

/// The input gradient of `relu6`: `outputGradient` where `0 < output < 6`, else 0.
/// - Throws: `TensorError.shapeMismatch` when the shapes differ.
public func relu6Backward(_ outputGradient: Tensor, output: Tensor) throws(TensorError) -> Tensor {
    try clampBackward(outputGradient, output: output, lower: 0, upper: 6)
}
