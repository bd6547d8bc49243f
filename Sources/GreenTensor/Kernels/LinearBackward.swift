// The backward pass of `linear` as two GEMMs and a column sum:
//   weight gradient [out, in] = outputGradientᵀ [out, N] · input [N, in]
//   bias gradient [out]       = Σ over the batch of outputGradient
//   input gradient [N, in]    = outputGradient [N, out] · weight [out, in]
// MACs: N · in · out for each GEMM. Small products run side by side on two workers; large
// ones split across workers as in `linear`.

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
///   `[N, in]`, or the output gradient not `[N, out]`; `TensorError.sizeLimitExceeded` when N,
///   in or out passes `KernelLimits.maximumCount` (and none is 0).
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
        throw .shapeMismatch(
            operation: operation, expected: "output gradient [\(batch), \(outputs)]", actual: outputGradient.shape)
    }
    if batch > 0 && outputs > 0 && inputs > 0 {
        try checkLinearSizes(batch: batch, inputs: inputs, outputs: outputs, operation: operation)
    }
    let weightGradient = Tensor(uninitializedShape: weight.shape)
    let biasGradient = hasBias ? Tensor(uninitializedShape: [outputs]) : nil
    let inputGradient = computesInputGradient ? Tensor(uninitializedShape: input.shape) : nil
    let (dy, x, w) = (
        SharedPointer(outputGradient.storage.base), SharedPointer(input.storage.base),
        SharedPointer(weight.storage.base)
    )
    let (dw, db, dx) = (
        SharedPointer(weightGradient.storage.base), biasGradient.map { SharedPointer($0.storage.base) },
        inputGradient.map { SharedPointer($0.storage.base) }
    )
    let nonEmpty = batch > 0 && outputs > 0 && inputs > 0
    /// `C = op(A)·B` on the calling thread, or split across the workers when `split`.
    @Sendable func multiply(
        split: Bool, transposeA: Transpose, m: Int, n: Int, k: Int, a: SharedPointer, lda: Int, b: SharedPointer,
        ldb: Int,
        c: SharedPointer, ldc: Int
    ) {
        if split {
            GEMM.multiplyInParallel(
                transposeA: transposeA, transposeB: .none, m: m, n: n, k: k, alpha: 1, a: a.base, lda: lda, b: b.base,
                ldb: ldb, beta: 0, c: c.base, ldc: ldc)
        } else {
            GEMM.multiplyUnchecked(
                transposeA: transposeA, transposeB: .none, m: m, n: n, k: k, alpha: 1, a: a.base, lda: lda, b: b.base,
                ldb: ldb, beta: 0, c: c.base, ldc: ldc)
        }
    }
    /// The weight gradient (split across workers when `split`) and the bias gradient.
    @Sendable func parameterGradients(split: Bool) {
        if nonEmpty {
            multiply(
                split: split, transposeA: .transposed, m: outputs, n: inputs, k: batch, a: dy, lda: outputs, b: x,
                ldb: inputs, c: dw, ldc: inputs)
        } else {
            dw.base.initialize(repeating: 0, count: outputs * inputs)
        }
        guard let db else { return }
        db.base.initialize(repeating: 0, count: outputs)
        for row in 0..<batch {
            let line = dy.base + row * outputs
            for column in 0..<outputs { db.base[column] += line[column] }
        }
    }
    /// The input gradient (split across workers when `split`).
    @Sendable func inputGradientProduct(split: Bool) {
        guard let dx else { return }
        guard nonEmpty else {
            dx.base.initialize(repeating: 0, count: batch * inputs)
            return
        }
        multiply(
            split: split, transposeA: .none, m: batch, n: inputs, k: outputs, a: dy, lda: outputs, b: w, ldb: inputs,
            c: dx, ldc: inputs)
    }
    // Two small products run side by side, one per worker: splitting each across the workers
    // costs more than it saves below `GEMM.parallelThreshold`·8 multiply-adds.
    // (In Double: the product of three sizes below 2^31 may overflow Int.)
    let macs = Double(batch) * Double(inputs) * Double(outputs)
    if dx != nil && ComputeThreads.count >= 2 && macs < Double(8 * GEMM.parallelThreshold) {
        parallelFor(2, workers: 2) { worker, _ in
            if worker == 0 { parameterGradients(split: false) } else { inputGradientProduct(split: false) }
        }
    } else {
        parameterGradients(split: true)
        inputGradientProduct(split: true)
    }
    return AffineGradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
}
