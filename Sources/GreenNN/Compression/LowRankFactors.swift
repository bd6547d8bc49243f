/// The two factors of a truncated SVD of a weight matrix `W [out, in] ≈ up [out, r] · down [r, in]`,
/// with the singular values split evenly between them (`up = U·√S`, `down = √S·Vᵀ`), so both
/// factors have the same scale and fine-tune alike.
///
/// ```swift
/// let factors = try LowRankFactors(approximating: linear.weight.value, keeping: .energy(0.9))
/// print(factors.rank, factors.relativeError)
/// ```
public struct LowRankFactors: Sendable {
    /// `√S·Vᵀ`, the first factor applied: `[r, in]`.
    public let down: Tensor
    /// `U·√S`: `[out, r]`.
    public let up: Tensor
    /// The rank kept, r.
    public let rank: Int
    /// `min(out, in)`, the rank of a generic full matrix.
    public let fullRank: Int
    /// The fraction of the spectral energy kept.
    public let energy: Double
    /// `‖W − up·down‖_F / ‖W‖_F`.
    public let relativeError: Double

    /// Factorises `weight`, a matrix `[out, in]`.
    /// - Throws: `LayerError` for an invalid selection or a rank above `min(out, in)`, or when
    ///   the SVD fails (a non-finite weight).
    public init(approximating weight: Tensor, keeping selection: RankSelection) throws {
        try selection.validate(in: "LowRankFactors")
        let svd = try LayerError.wrapping("LowRankFactors") { try SingularValueDecomposition(of: weight) }
        let outputs = weight.shape[0], inputs = weight.shape[1], full = svd.singularValues.count
        let rank: Int
        switch selection {
        case let .rank(value): rank = value
        case let .energy(fraction): rank = svd.rank(keepingEnergy: fraction)
        }
        guard rank <= full else {
            throw LayerError.invalidConfiguration(
                "LowRankFactors", "rank must be in 1...\(full) (min(out, in) of \(weight.shape)), got \(rank)")
        }
        let roots = svd.singularValues.prefix(rank).map { $0.squareRoot() }
        let u = svd.u.scalars, vt = svd.vt.scalars
        var up = [Float](repeating: 0, count: outputs * rank)
        for row in 0..<outputs {
            for index in 0..<rank { up[row * rank + index] = u[row * full + index] * roots[index] }
        }
        var down = [Float](repeating: 0, count: rank * inputs)
        for index in 0..<rank {
            for column in 0..<inputs { down[index * inputs + column] = vt[index * inputs + column] * roots[index] }
        }
        self.up = try LayerError.wrapping("LowRankFactors") { try Tensor(shape: [outputs, rank], scalars: up) }
        self.down = try LayerError.wrapping("LowRankFactors") { try Tensor(shape: [rank, inputs], scalars: down) }
        self.rank = rank
        self.fullRank = full
        self.energy = svd.energy(ofRank: rank)
        self.relativeError = svd.relativeError(ofRank: rank)
    }
}
