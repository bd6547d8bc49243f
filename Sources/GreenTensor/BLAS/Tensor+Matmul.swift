extension Tensor {
    /// The matrix product `op(self) · op(other)`.
    ///
    /// - `[m, k] · [k, n] → [m, n]`;
    /// - batched: `[b, m, k] · [b, k, n] → [b, m, n]`, or `[b, m, k] · [k, n] → [b, m, n]`
    ///   (the right matrix shared by the whole batch).
    ///
    /// `transposeSelf`/`transposeOther` swap the last two axes of that operand first.
    /// - Throws: `TensorError.shapeMismatch` when the inner sizes or batch sizes differ,
    ///   `.invalidShape` for ranks other than 2 and 3, `.sizeLimitExceeded` when m, k or n passes
    ///   `KernelLimits.maximumCount` (OpenBLAS takes them as C `int`s) and none is 0.
    public func matmul(
        _ other: Tensor, transposeSelf: Transpose = .none, transposeOther: Transpose = .none
    ) throws(TensorError) -> Tensor {
        let operation = "matmul"
        guard shape.rank == 2 || shape.rank == 3 else {
            throw .invalidShape(operation: operation, shape: shape, reason: "left operand must have rank 2 or 3")
        }
        guard other.shape.rank == 2 || (other.shape.rank == 3 && shape.rank == 3) else {
            throw .invalidShape(
                operation: operation, shape: other.shape,
                reason: "right operand must have rank 2, or 3 when the left has rank 3")
        }
        let batch = shape.rank == 3 ? shape[0] : 1
        let (leftRows, leftColumns) = (shape[shape.rank - 2], shape[shape.rank - 1])
        let (rightRows, rightColumns) = (other.shape[other.shape.rank - 2], other.shape[other.shape.rank - 1])
        let (m, k) = transposeSelf == .none ? (leftRows, leftColumns) : (leftColumns, leftRows)
        let (otherK, n) = transposeOther == .none ? (rightRows, rightColumns) : (rightColumns, rightRows)
        guard k == otherK else {
            throw .shapeMismatch(
                operation: operation, expected: "right operand with inner size \(k) (left is \(shape))",
                actual: other.shape)
        }
        if other.shape.rank == 3 && other.shape[0] != batch {
            throw .shapeMismatch(operation: operation, expected: "batch size \(batch)", actual: other.shape)
        }
        if m > 0 && n > 0 && k > 0 {
            try GEMM.checkSizes(m: m, n: n, k: k, lda: leftColumns, ldb: rightColumns, ldc: n, operation: operation)
        }
        let resultShape: Shape = shape.rank == 3 ? [batch, m, n] : [m, n]
        let result = Tensor(uninitializedShape: resultShape)
        if k == 0 {
            result.storage.base.initialize(repeating: 0, count: result.elementCount)
            return result
        }
        let rightStride = other.shape.rank == 3 ? rightRows * rightColumns : 0
        for item in 0..<batch where m > 0 && n > 0 {
            GEMM.multiplyInParallel(
                transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k, alpha: 1,
                a: storage.base + item * leftRows * leftColumns, lda: leftColumns,
                b: other.storage.base + item * rightStride, ldb: rightColumns,
                beta: 0, c: result.storage.base + item * m * n, ldc: n)
        }
        return result
    }
}
