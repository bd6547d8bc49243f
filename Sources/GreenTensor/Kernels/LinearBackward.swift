// The backward pass of `linear` as two GEMMs and a column sum:
//   weight gradient [out, in] = outputGradientᵀ [out, N] · input [N, in]
//   bias gradient [out]       = Σ over the batch of outputGradient
//   input gradient [N, in]    = outputGradient [N, out] · weight [out, in]
// MACs: N · in · out for each GEMM. Large products split across workers as in `linear`.

/// The gradients of `linear` for `outputGradient`.
///
/// - Parameters:
///   - outputGradient: ∂loss/∂output, `[N, out]`.
///   - input: the forward pass's input, `[N, in]`.
///   - weight: `[out, in]`.
///   - hasBias: whether the forward pass added a bias (then `bias` is returned).
///   - computesInputGradient: false skips the input-gradient GEMM, for a first layer.
/// - Returns: the input gradient `[N, in]` (nil when not asked for), the weight gradient
///   `[out, in]` and the bias gradient `[out]` (nil without bias), summed over the batch.
/// - Throws: `TensorError.shapeMismatch` when the weight is not rank 2, the input not
///   `[N, in]`, or the output gradient not `[N, out]`.
public func linearBackward(
    _ outputGradient: Tensor, input: Tensor, weight: Tensor, hasBias: Bool, computesInputGradient: Bool = true
) throws(TensorError) -> AffineGradients {
    let operation = "linearBackward"
    guard weight.shape.rank == 2 else {
        throw .shapeMismatch(operation: operation, expected: "weight [out, in]", actual: weight.shape)
    }
    let (outputs, inputs) = (weight.shape[0], weight.shape[1])
    guard input.shape.rank == 2, input.shape[1] == inputs else {
        throw .shapeMismatch(operation: operation, expected: "input [N, \(inputs)]", actual: input.shape)
    }
    let batch = input.shape[0]
    guard outputGradient.shape == [batch, outputs] else {
        throw .shapeMismatch(operation: operation, expected: "output gradient [\(batch), \(outputs)]", actual: outputGradient.shape)
    }
    let weightGradient = Tensor(uninitializedShape: weight.shape)
    let nonEmpty = batch > 0 && outputs > 0 && inputs > 0
    if nonEmpty {
        GEMM.multiplyInParallel(
            transposeA: .transposed, transposeB: .none, m: outputs, n: inputs, k: batch, alpha: 1,
            a: outputGradient.storage.base, lda: outputs, b: input.storage.base, ldb: inputs, beta: 0,
            c: weightGradient.storage.base, ldc: inputs)
    } else {
        weightGradient.storage.base.initialize(repeating: 0, count: weightGradient.elementCount)
    }
    var biasGradient: Tensor?
    if hasBias {
        let sums = Tensor(uninitializedShape: [outputs])
        sums.storage.base.initialize(repeating: 0, count: outputs)
        for row in 0..<batch {
            let line = outputGradient.storage.base + row * outputs
            for column in 0..<outputs { sums.storage.base[column] += line[column] }
        }
        biasGradient = sums
    }
    var inputGradient: Tensor?
    if computesInputGradient {
        let result = Tensor(uninitializedShape: input.shape)
        if nonEmpty {
            GEMM.multiplyInParallel(
                transposeA: .none, transposeB: .none, m: batch, n: inputs, k: outputs, alpha: 1,
                a: outputGradient.storage.base, lda: outputs, b: weight.storage.base, ldb: inputs, beta: 0,
                c: result.storage.base, ldc: inputs)
        } else {
            result.storage.base.initialize(repeating: 0, count: result.elementCount)
        }
        inputGradient = result
    }
    return AffineGradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
}
