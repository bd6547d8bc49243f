/// How many singular values a low-rank factorisation keeps.
///
/// ```swift
/// let fc = try LowRankLinear(approximating: linear, keeping: .energy(0.9))
/// let report = try model.compressLowRank(keeping: .rank(32), input: [1, 1, 28, 28])
/// ```
public enum RankSelection: Equatable, Sendable, CustomStringConvertible {
    /// Exactly this rank (a model-wide compression caps it at each layer's full rank).
    case rank(Int)
    /// The smallest rank whose singular values hold at least this fraction (0...1) of the
    /// spectral energy, the sum of squared singular values.
    case energy(Double)

    /// "rank 32" or "energy 0.9".
    public var description: String {
        switch self {
        case let .rank(rank): "rank \(rank)"
        case let .energy(fraction): "energy \(fraction)"
        }
    }

    /// Checks the value: a rank of at least 1, an energy fraction in (0, 1].
    /// - Throws: `LayerError` with reason `.invalidConfiguration`.
    func validate(in kind: String) throws {
        switch self {
        case let .rank(rank) where rank < 1:
            throw LayerError.invalidConfiguration(kind, "rank must be at least 1, got \(rank)")
        case let .energy(fraction) where !(fraction > 0 && fraction <= 1):
            throw LayerError.invalidConfiguration(kind, "the energy fraction must be in (0, 1], got \(fraction)")
        default: break
        }
    }
}
