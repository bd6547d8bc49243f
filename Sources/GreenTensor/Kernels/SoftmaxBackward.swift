// The backward pass of softmax along one axis, from the forward pass's output y:
//   dx_i = y_i · (dy_i − Σ_j dy_j · y_j)   (the Jacobian diag(y) − y·yᵀ applied to dy),
// 4 FLOPs per element (the dot product's multiply-add, a subtract, a multiply).

/// The input gradient of `softmax(alongAxis:)`.
/// - Parameters:
///   - outputGradient: ∂loss/∂output, any shape.
///   - output: the forward pass's output (each line along `axis` sums to 1), the same shape.
///   - axis: the axis softmax ran along (negative counts from the end).
/// - Returns: ∂loss/∂input, the same shape.
/// - Throws: `TensorError` when the shapes differ or the axis is out of range.
public func softmaxBackward(_ outputGradient: Tensor, output: Tensor, alongAxis axis: Int) throws(TensorError) -> Tensor
{
    let operation = "softmaxBackward"
    guard outputGradient.shape == output.shape else {
        throw .shapeMismatch(
            operation: operation, expected: "output gradient \(output.shape)", actual: outputGradient.shape)
    }
    let (outer, length, inner) = output.shape.split(around: try output.shape.resolvedAxis(axis, for: operation))
    let inputGradient = Tensor(uninitializedShape: output.shape)
    let (y, dy, dx) = (output.storage.base, outputGradient.storage.base, inputGradient.storage.base)
    for o in 0..<outer {
        for i in 0..<inner {
            let offset = o * length * inner + i
            var dot: Float = 0
            for index in 0..<length { dot += dy[offset + index * inner] * y[offset + index * inner] }
            for index in 0..<length {
                let at = offset + index * inner
                dx[at] = y[at] * (dy[at] - dot)
            }
        }
    }
    return inputGradient
}
