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
///   rank 2, or the bias not `[out]`; `TensorError.sizeLimitExceeded` when N, in or out passes
///   `KernelLimits.maximumCount` (and none is 0, when there is no product to compute).
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
    if batch > 0 && outputs > 0 && inputs > 0 {
        try checkLinearSizes(batch: batch, inputs: inputs, outputs: outputs, operation: "linear")
    }
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

/// `input · weightᵀ` into `output` for an inference plan, its output pass folded in: each
/// row gets `shift` (the bias, folded, or nil for none) and is clamped to `lower...upper`.
/// `input` is `[N, in]` (rows `input.imageStride` apart), `weight` `[out, in]`, `output`
/// `[N, out]`; the caller checked the sizes (`checkLinearSizes`, and both row strides at most
/// `KernelLimits.maximumCount`).
package func linear(
    _ input: StridedBatch, weight: UnsafePointer<Float>, shift: UnsafePointer<Float>?, lower: Float, upper: Float,
    into output: StridedBatch
) {
    let (batch, inputs, outputs) = (input.batch, input.imageSize, output.imageSize)
    if batch == 1 {
        // One input: GreenNN's matrix-vector kernel, the bias and clamp in its stores, blocks of 4
        // rows across the workers. Work counted as 8 GEMM multiply-adds per multiply-add: it streams
        // its matrix at memory speed (see `GEMM.multiplyInParallel`).
        let blocks = (outputs + 3) / 4
        let workers = ComputeThreads.workers(for: blocks, work: outputs * inputs * 8)
        let (source, target) = (SharedPointer(UnsafeMutablePointer(mutating: input.base)), SharedPointer(output.base))
        let (matrix, shifts) = (
            SharedPointer(UnsafeMutablePointer(mutating: weight)),
            shift.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
        )
        parallelFor(blocks, workers: workers) { _, range in
            let first = range.lowerBound * 4, count = Swift.min(outputs, range.upperBound * 4) - first
            Kernels.table.matrixVector(
                matrix.base + first * inputs, Int32(count), Int32(inputs), source.base, shifts.map { $0.base + first },
                lower, upper, target.base + first)
        }
        return
    }
    for row in 0..<batch {
        if let shift {
            output.image(row).update(from: shift, count: outputs)
        } else {
            output.image(row).update(repeating: 0, count: outputs)
        }
    }
    GEMM.multiplyInParallel(
        transposeA: .none, transposeB: .transposed, m: batch, n: outputs, k: inputs, alpha: 1, a: input.base,
        lda: input.imageStride, b: weight, ldb: inputs, beta: 1, c: output.base, ldc: output.imageStride)
    guard lower > -.infinity || upper < .infinity else { return }
    for row in 0..<batch { Kernels.table.affineClamp(output.image(row), outputs, 1, 0, lower, upper) }
}

/// Checks the sizes `linear` and `linearBackward` hand to OpenBLAS as C `int`s (their GEMMs'
/// m, n, k and leading dimensions are these three): each at most `KernelLimits.maximumCount`.
/// - Throws: `TensorError.sizeLimitExceeded` naming `operation` and the first size past the limit.
package func checkLinearSizes(batch: Int, inputs: Int, outputs: Int, operation: String) throws(TensorError) {
    try KernelLimits.check(batch, "batch size N", operation: operation)
    try KernelLimits.check(inputs, "input features", operation: operation)
    try KernelLimits.check(outputs, "output features", operation: operation)
}
