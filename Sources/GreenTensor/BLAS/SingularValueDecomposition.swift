// The only file that calls LAPACK: the thin SVD of a row-major matrix through OpenBLAS's sgesdd.
internal import CBLAS

/// The thin singular value decomposition `A = U · diag(S) · Vᵀ` of a row-major `m × n` matrix,
/// computed by LAPACK's divide-and-conquer `sgesdd` (the routine NumPy and PyTorch use).
///
/// With `k = min(m, n)`: `u` is `[m, k]` with orthonormal columns, `singularValues` holds `k`
/// values in descending order, and `vt` is `[k, n]` with orthonormal rows. Truncating to the
/// first `r` gives the best rank-`r` approximation in the Frobenius and spectral norms
/// (Eckart–Young). The one LAPACK call runs with OpenBLAS threaded to `ComputeThreads.count`
/// (it cannot be split into GreenNN's own blocks), and OpenBLAS is pinned back to one thread
/// after it.
///
/// ```swift
/// let svd = try SingularValueDecomposition(of: weight)     // weight: [out, in]
/// let r = svd.rank(keepingEnergy: 0.9)
/// ```
public struct SingularValueDecomposition: Sendable {
    /// The left singular vectors as columns: `[m, k]`.
    public let u: Tensor
    /// The singular values, largest first: `k` non-negative values.
    public let singularValues: [Float]
    /// The right singular vectors as rows: `[k, n]`.
    public let vt: Tensor

    /// Decomposes `matrix`, a rank-2 tensor `[m, n]`.
    /// - Throws: `TensorError.invalidShape` when `matrix` is not rank 2 or has an empty
    ///   dimension or more than `Int32.max` elements, `TensorError.invalidArgument` when it
    ///   holds NaN or infinity, or when LAPACK reports that the iteration did not converge.
    public init(of matrix: Tensor) throws(TensorError) {
        let operation = "SingularValueDecomposition"
        guard matrix.shape.rank == 2, matrix.elementCount > 0, matrix.elementCount <= Int(Int32.max) else {
            throw .invalidShape(
                operation: operation, shape: matrix.shape,
                reason: "expected a non-empty matrix [m, n] of at most \(Int32.max) elements")
        }
        guard matrix.scalars.allSatisfy(\.isFinite) else {
            throw .invalidArgument(operation: operation, message: "the matrix holds NaN or infinite values")
        }
        let rows = matrix.shape[0], columns = matrix.shape[1], k = Swift.min(rows, columns)
        // Row-major A is column-major Aᵀ (columns × rows). LAPACK factors Aᵀ = U'·S·V'ᵀ, so
        // A = V'·S·U'ᵀ: A's U is V'ᵀ's column-major [k, rows] buffer read row-major as
        // [rows, k], and A's Vᵀ is U''s column-major [columns, k] buffer read as [k, columns].
        var a = matrix.scalars
        var s = [Float](repeating: 0, count: k)
        var left = [Float](repeating: 0, count: columns * k)
        var right = [Float](repeating: 0, count: k * rows)
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var m = Int32(columns), n = Int32(rows), lda = Int32(columns), ldu = Int32(columns), ldvt = Int32(k)
        var info: Int32 = 0
        var query: Float = 0
        var lwork: Int32 = -1
        let jobz = Int8(UInt8(ascii: "S"))
        func call(_ work: UnsafeMutablePointer<Float>) {
            withUnsafePointer(to: jobz) { jobzPointer in
                sgesdd_(
                    jobzPointer, &m, &n, &a, &lda, &s, &left, &ldu, &right, &ldvt, work, &lwork, &iwork, &info, 1)
            }
        }
        call(&query)
        guard info == 0 else {
            throw .invalidArgument(operation: operation, message: "LAPACK sgesdd workspace query failed (info \(info))")
        }
        // The size comes back as a Float: above 2^24 it may have been rounded down, so add a margin.
        let size = (Double(query) * (1 + 1e-6)).rounded(.up) + 16
        guard size.isFinite, size <= Double(Int32.max) else {
            throw .invalidArgument(
                operation: operation,
                message: "LAPACK sgesdd needs \(query) floats of workspace, more than it can address")
        }
        lwork = Int32(size)
        var work = [Float](repeating: 0, count: Int(lwork))
        ComputeThreads.withOpenBLASThreads { work.withUnsafeMutableBufferPointer { call($0.baseAddress!) } }
        guard info == 0 else {
            throw .invalidArgument(
                operation: operation,
                message: info > 0
                    ? "LAPACK sgesdd did not converge (info \(info))" : "LAPACK sgesdd rejected argument \(-info)")
        }
        u = try Tensor(shape: [rows, k], scalars: right)
        singularValues = s
        vt = try Tensor(shape: [k, columns], scalars: left)
    }

    /// The fraction of the spectral energy (the sum of squared singular values) that the first
    /// `rank` values hold; 1 for a zero matrix.
    public func energy(ofRank rank: Int) -> Double {
        let squares = singularValues.map { Double($0) * Double($0) }
        let total = squares.reduce(0, +)
        guard total > 0 else { return 1 }
        return squares.prefix(Swift.max(rank, 0)).reduce(0, +) / total
    }

    /// The smallest rank whose leading singular values hold at least `fraction` of the spectral
    /// energy, at least 1 (`fraction` is clamped to [0, 1]).
    public func rank(keepingEnergy fraction: Double) -> Int {
        let squares = singularValues.map { Double($0) * Double($0) }
        let total = squares.reduce(0, +)
        let target = Swift.min(Swift.max(fraction, 0), 1) * total * (1 - 1e-12)
        var kept = 0.0
        for (index, square) in squares.enumerated() {
            kept += square
            if kept >= target { return index + 1 }
        }
        return singularValues.count
    }

    /// `‖A − A_r‖_F / ‖A‖_F` for the best rank-`rank` approximation: `sqrt(1 − energy(ofRank:))`.
    public func relativeError(ofRank rank: Int) -> Double {
        Swift.max(0, 1 - energy(ofRank: rank)).squareRoot()
    }
}
