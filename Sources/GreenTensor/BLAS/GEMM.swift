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
/// Large products are split into blocks across `ComputeThreads` workers.
///
/// ```swift
/// try GEMM.multiply(m: 2, n: 3, k: 4, a: a, lda: 4, b: b, ldb: 3, c: c, ldc: 3)
/// ```
public enum GEMM {
    /// `C = alpha · op(A) · op(B) + beta · C`.
    /// - Throws: `TensorError.invalidArgument` for negative sizes, a leading dimension smaller
    ///   than its row, or a buffer shorter than the rows it must hold;
    ///   `TensorError.sizeLimitExceeded` for a size or leading dimension past
    ///   `KernelLimits.maximumCount` (OpenBLAS takes them as C `int`s).
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
        // First, so the buffer checks' (rows − 1)·ld + columns cannot overflow either.
        try checkSizes(m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, operation: "GEMM")
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
        multiplyInParallel(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
            beta: beta, c: c.baseAddress!, ldc: ldc)
    }

    /// Below this many multiply-adds a product runs on one thread: splitting it costs more
    /// than it saves.
    static let parallelThreshold = 1 << 20

    /// The product split across `ComputeThreads` workers, each running a single-threaded
    /// sgemm on its block: column blocks of C (multiples of 16, one cache line) when C is at
    /// least as wide as tall, else row blocks. Sizes must already be validated.
    package static func multiplyInParallel(
        transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let splitColumns = n >= m
        let blocks = splitColumns ? (n + 15) / 16 : m
        // In Double: m·n·k of sizes below 2^31 may overflow Int. A matrix-vector product (m = 1)
        // streams its matrix once at memory speed, a multiply-add per 4 bytes: each costs about
        // eight of a GEMM's (mobilenet-v1's 1024 -> 1000 classifier, 1 M of them, stayed on one
        // thread: 0.100 ms, 0.077-0.089 on two).
        let work = Double(m) * Double(n) * Double(k) * (m == 1 ? 8 : 1)
        let small = work < Double(parallelThreshold)
        let workers = small ? 1 : ComputeThreads.workers(for: blocks)
        guard workers > 1 else {
            multiplyUnchecked(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
                ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let (left, right, output) = (
            SharedPointer(UnsafeMutablePointer(mutating: a)), SharedPointer(UnsafeMutablePointer(mutating: b)),
            SharedPointer(c)
        )
        parallelFor(blocks, workers: workers) { _, range in
            if splitColumns {
                let first = range.lowerBound * 16, last = Swift.min(n, range.upperBound * 16)
                multiplyUnchecked(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: last - first, k: k, alpha: alpha,
                    a: left.base, lda: lda, b: right.base + (transposeB == .none ? first : first * ldb), ldb: ldb,
                    beta: beta, c: output.base + first, ldc: ldc)
            } else {
                multiplyUnchecked(
                    transposeA: transposeA, transposeB: transposeB, m: range.count, n: n, k: k, alpha: alpha,
                    a: left.base + (transposeA == .none ? range.lowerBound * lda : range.lowerBound), lda: lda,
                    b: right.base, ldb: ldb, beta: beta, c: output.base + range.lowerBound * ldc, ldc: ldc)
            }
        }
    }

    /// Checks that every size and leading dimension fits OpenBLAS's C `int`: each at most
    /// `KernelLimits.maximumCount`. Callers of `multiplyInParallel` and `multiplyUnchecked` run it
    /// (or a check that implies it) where they can still throw.
    /// - Throws: `TensorError.sizeLimitExceeded` naming `operation` and the first size past the limit.
    package static func checkSizes(
        m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int, operation: String
    ) throws(TensorError) {
        try KernelLimits.check(m, "m", operation: operation)
        try KernelLimits.check(n, "n", operation: operation)
        try KernelLimits.check(k, "k", operation: operation)
        try KernelLimits.check(lda, "lda", operation: operation)
        try KernelLimits.check(ldb, "ldb", operation: operation)
        try KernelLimits.check(ldc, "ldc", operation: operation)
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
                message:
                    "\(name) (\(rows)x\(columns), leading dimension \(leadingDimension)) needs \(needed) floats, buffer has \(count)"
            )
        }
    }

    /// The same product on raw pointers on the calling thread (OpenBLAS is single-threaded),
    /// for kernels whose sizes are already validated and that may run inside a parallel loop:
    /// every size and leading dimension at most `KernelLimits.maximumCount` (`checkSizes`), as
    /// they are narrowed to OpenBLAS's `blasint` (a C `int`).
    package static func multiplyUnchecked(
        transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 1 {
            // One row of C (a batch of one): a matrix-vector product streams op(B) once,
            // which sgemm's packing does not; C's row is contiguous (increment 1).
            let (rows, columns) = transposeB == .none ? (k, n) : (n, k)
            cblas_sgemv(
                CblasRowMajor, transposeB == .none ? CblasTrans : CblasNoTrans, blasint(rows), blasint(columns), alpha,
                b, blasint(ldb), a, blasint(transposeA == .none ? 1 : lda), beta, c, 1)
            return
        }
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
