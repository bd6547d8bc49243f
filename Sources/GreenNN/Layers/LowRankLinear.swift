/// Low-rank linear layer: `W (out x in) ≈ U (out x r) · V (r x in)`, so `y = (x·Vᵀ)·Uᵀ + b`,
/// two GEMMs (Sainath et al. 2013; Denton et al. 2014).
///
/// - Input: `[N, in]` → Output: `[N, out]`.
/// - Children: `down` (`Linear` in → r, no bias) holding V, and `up` (`Linear` r → out, with
///   bias) holding U; the same as PyTorch's `Sequential(Linear(in, r, bias=False), Linear(r, out))`.
/// - Parameters: `r·(in + out)` plus `out` biases, against `in·out + out`.
/// - MACs: `N·r·(in + out)`.
public final class LowRankLinear: ChainedLayer {
    /// Input features.
    public let inputFeatures: Int
    /// Output features.
    public let outputFeatures: Int
    /// The rank r, `1 <= r <= min(in, out)`.
    public let rank: Int
    /// V: `[r, in]`.
    public let down: Linear
    /// U and the bias: `[out, r]`, `[out]`.
    public let up: Linear
    /// Training mode (no effect).
    public var isTraining = false

    /// Creates the factorised layer with PyTorch's default initialisation for each factor.
    /// - Throws: `LayerError` when a size is below 1 or `rank` is outside `1...min(in, out)`.
    public convenience init(
        _ inputFeatures: Int, _ outputFeatures: Int, rank: Int, bias: Bool = true,
        using generator: inout SeededGenerator
    ) throws {
        try Self.validate(inputFeatures, outputFeatures, rank: rank)
        try self.init(
            down: Linear(inputFeatures, rank, bias: false, using: &generator),
            up: Linear(rank, outputFeatures, bias: bias, using: &generator))
    }

    /// Creates the factorised layer with weights from a system-seeded generator.
    /// - Throws: `LayerError` when a size is below 1 or `rank` is outside `1...min(in, out)`.
    public convenience init(_ inputFeatures: Int, _ outputFeatures: Int, rank: Int, bias: Bool = true) throws {
        var generator = DefaultInitialisation.systemSeeded()
        try self.init(inputFeatures, outputFeatures, rank: rank, bias: bias, using: &generator)
    }

    /// Creates the layer from its two factors: `down` (in → r, no bias) and `up` (r → out).
    /// - Throws: `LayerError` when `down` has a bias, the inner sizes differ, or the rank is out of range.
    public init(down: Linear, up: Linear) throws {
        guard down.bias == nil else {
            throw LayerError.invalidConfiguration("LowRankLinear", "the down factor must have no bias")
        }
        guard down.outputFeatures == up.inputFeatures else {
            throw LayerError.invalidConfiguration(
                "LowRankLinear",
                "factors do not chain: down gives \(down.outputFeatures) features, up takes \(up.inputFeatures)")
        }
        try Self.validate(down.inputFeatures, up.outputFeatures, rank: down.outputFeatures)
        self.inputFeatures = down.inputFeatures
        self.outputFeatures = up.outputFeatures
        self.rank = down.outputFeatures
        self.down = down
        self.up = up
    }

    /// The truncated-SVD factorisation of a trained linear layer; the bias carries over.
    /// - Throws: `LayerError` for an invalid selection (see `LowRankFactors`).
    public convenience init(approximating linear: Linear, keeping selection: RankSelection) throws {
        try self.init(
            LowRankFactors(approximating: linear.weight.value, keeping: selection), bias: linear.bias?.value)
    }

    /// The layer holding `factors` (`down` and `up`), with `bias [out]` or none.
    /// - Throws: `LayerError` when the bias does not match the factors' output size.
    public convenience init(_ factors: LowRankFactors, bias: Tensor?) throws {
        try self.init(down: Linear(weight: factors.down, bias: nil), up: Linear(weight: factors.up, bias: bias))
    }

    private static func validate(_ inputFeatures: Int, _ outputFeatures: Int, rank: Int) throws {
        try LayerValidation.positive(inputFeatures, "inputFeatures", in: "LowRankLinear")
        try LayerValidation.positive(outputFeatures, "outputFeatures", in: "LowRankLinear")
        guard rank >= 1, rank <= Swift.min(inputFeatures, outputFeatures) else {
            throw LayerError.invalidConfiguration(
                "LowRankLinear",
                "rank must be in 1...\(Swift.min(inputFeatures, outputFeatures)) (min(in, out)), got \(rank)")
        }
    }

    /// `down`, then `up`.
    public var children: [NamedLayer] { [NamedLayer("down", down), NamedLayer("up", up)] }

    /// `LowRankLinear(4096, 4096, rank: 256)`.
    public var description: String {
        "LowRankLinear(\(inputFeatures), \(outputFeatures), rank: \(rank)" + (up.bias == nil ? ", bias: false)" : ")")
    }
}
