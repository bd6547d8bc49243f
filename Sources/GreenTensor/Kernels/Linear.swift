// Fully connected layer as one GEMM: output [N, out] = input [N, in] · weight[out, in]ᵀ + bias.
// The bias is copied into every output row first and the GEMM accumulates onto it (beta 1),
// so the bias costs one pass of copies instead of a second pass of adds.
// MACs: N · in · out. Large products split across workers by output features (or rows).

/// `input · weightᵀ + bias`, PyTorch's `F.linear`.
/// - Parameters:
///   - input: `[N, in]`.
///   - weight: `[out, in]`.
///   - bias: `[out]`, or nil.
/// - Returns: `[N, out]`.
/// - Throws: `TensorError.shapeMismatch` when the input is not `[N, in]`, the weight not
///   rank 2, or the bias not `[out]`.
public func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) throws(TensorError) -> Tensor {
    guard weight.shape.rank == 2 else {
        throw .shapeMismatch(operation: "linear", expected: "weight [out, in]", actual: weight.shape)
    }
    let (outputs, inputs) = (weight.shape[0], weight.shape[1])
    guard input.shape.rank == 2, input.shape[1] == inputs else {
        throw .shapeMismatch(operation: "linear", expected: "input [N, \(inputs)]", actual: input.shape)
    }
    try Tensor.checkBias(bias, channels: outputs, for: "linear")
    let batch = input.shape[0]
    let output = Tensor(uninitializedShape: [batch, outputs])
    if let bias {
        for row in 0..<batch { (output.storage.base + row * outputs).update(from: bias.storage.base, count: outputs) }
    } else {
        output.storage.base.initialize(repeating: 0, count: output.elementCount)
    }
    if batch > 0 && outputs > 0 && inputs > 0 {
        GEMM.multiplyInParallel(
            transposeA: .none, transposeB: .transposed, m: batch, n: outputs, k: inputs, alpha: 1,
            a: input.storage.base, lda: inputs, b: weight.storage.base, ldb: inputs, beta: 1,
            c: output.storage.base, ldc: outputs)
    }
    return output
}
