// The only file that calls OpenBLAS's sgemm: C = alpha·op(A)·op(B) + beta·C, row-major.
internal import CBLAS

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable, Hashable {
    /// Use the matrix as stored.
    case none
    /// Use the transpose of the stored matrix.
    case transposed
}

/// General matrix multiplication on row-major Float32 buffers, over OpenBLAS's `cblas_sgemm`.
///
/// Computes `C = alpha · op(A) · op(B) + beta · C` where `op(A)` is `m × k`, `op(B)` is
/// `k × n` and `C` is `m × n`. A stored untransposed is `m` rows of `lda` floats
/// (`lda >= k`); transposed it is `k` rows (`lda >= m`); likewise B. Every buffer is
/// checked to hold what the sizes and leading dimensions reach before OpenBLAS runs.
///
/// ```swift
/// try GEMM.multiply(m: 2, n: 3, k: 4, a: a, lda: 4, b: b, ldb: 3, c: c, ldc: 3)
/// ```
public enum GEMM {
    /// `C = alpha · op(A) · op(B) + beta · C`.
    /// - Throws: `TensorError.invalidArgument` for negative sizes, a leading dimension smaller
    ///   than its row, or a buffer shorter than the rows it must hold.
    public static func multiply(
        transposeA: Transpose = .none, transposeB: Transpose = .none,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafeBufferPointer<Float>, lda: Int,
        b: UnsafeBufferPointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutableBufferPointer<Float>, ldc: Int
    ) throws(TensorError) {
        guard m >= 0, n >= 0, k >= 0 else {
            throw .invalidArgument(operation: "GEMM", message: "sizes must be non-negative, got m=\(m) n=\(n) k=\(k)")
        }
        let (aRows, aColumns) = transposeA == .none ? (m, k) : (k, m)
        let (bRows, bColumns) = transposeB == .none ? (k, n) : (n, k)
        try check("A", count: a.count, rows: aRows, columns: aColumns, leadingDimension: lda)
        try check("B", count: b.count, rows: bRows, columns: bColumns, leadingDimension: ldb)
        try check("C", count: c.count, rows: m, columns: n, leadingDimension: ldc)
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for row in 0..<m {
                for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] }
            }
            return
        }
        multiplyUnchecked(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
            beta: beta, c: c.baseAddress!, ldc: ldc)
    }

    private static func check(
        _ name: String, count: Int, rows: Int, columns: Int, leadingDimension: Int
    ) throws(TensorError) {
        guard leadingDimension >= Swift.max(1, columns) else {
            throw .invalidArgument(
                operation: "GEMM",
                message: "leading dimension of \(name) must be >= max(1, \(columns)), got \(leadingDimension)")
        }
        let needed = rows == 0 || columns == 0 ? 0 : (rows - 1) * leadingDimension + columns
        guard count >= needed else {
            throw .invalidArgument(
                operation: "GEMM",
                message: "\(name) (\(rows)x\(columns), leading dimension \(leadingDimension)) needs \(needed) floats, buffer has \(count)")
        }
    }

    /// The same product on raw pointers, for kernels whose sizes are already validated.
    static func multiplyUnchecked(
        transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA == .none ? CblasNoTrans : CblasTrans,
            transposeB == .none ? CblasNoTrans : CblasTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// The name of the kernel OpenBLAS chose for this CPU (`openblas_get_corename`), e.g. "Haswell".
    public static var openBLASCoreName: String {
        String(cString: openblas_get_corename())
    }
}
