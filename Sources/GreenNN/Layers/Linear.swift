/// Fully connected layer: `y = x·Wᵀ + b`, one GEMM.
///
/// - Input: `[N, inputFeatures]` → Output: `[N, outputFeatures]`.
/// - Parameters: `weight [out, in]` and `bias [out]`, initialised U(−1/√in, 1/√in) as PyTorch does.
/// - MACs: `N·in·out`; FLOPs `2·MACs + N·out` with bias.
///
/// ```swift
/// let fc = try Linear(400, 120)
/// ```
public final class Linear: Layer {
    // MARK: Configuration

    /// Input features.
    public let inputFeatures: Int
    /// Output features.
    public let outputFeatures: Int

    // MARK: Parameters

    /// `[out, in]`.
    public let weight: Parameter
    /// `[out]`, or nil.
    public let bias: Parameter?

    // MARK: State

    /// Training mode (no effect on a linear layer).
    public var isTraining = false

    /// Creates a linear layer with PyTorch's default initialisation drawn from `generator`.
    /// - Throws: `LayerError` when a feature count is below 1.
    public convenience init(
        _ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true, using generator: inout SeededGenerator
    ) throws {
        try LayerValidation.positive(inputFeatures, "inputFeatures", in: "Linear")
        try LayerValidation.positive(outputFeatures, "outputFeatures", in: "Linear")
        try self.init(
            weight: DefaultInitialisation.weight([outputFeatures, inputFeatures], fanIn: inputFeatures, using: &generator),
            bias: bias ? DefaultInitialisation.bias(outputFeatures, fanIn: inputFeatures, using: &generator) : nil)
    }

    /// Creates a linear layer with weights from a system-seeded generator.
    /// - Throws: `LayerError` when a feature count is below 1.
    public convenience init(_ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true) throws {
        var generator = DefaultInitialisation.systemSeeded()
        try self.init(inputFeatures, outputFeatures, bias: bias, using: &generator)
    }

    /// Creates a linear layer from given tensors: `weight [out, in]`, `bias [out]` or nil.
    /// - Throws: `LayerError` for a weight that is not a non-empty matrix or a mismatched bias.
    public init(weight: Tensor, bias: Tensor?) throws {
        guard weight.shape.rank == 2, weight.elementCount > 0 else {
            throw LayerError.invalidConfiguration("Linear", "weight must be [out, in] with no empty axis, got \(weight.shape)")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw LayerError.invalidConfiguration("Linear", "bias must be [\(weight.shape[0])], got \(bias.shape)")
        }
        inputFeatures = weight.shape[1]
        outputFeatures = weight.shape[0]
        self.weight = Parameter(weight)
        self.bias = bias.map(Parameter.init)
    }

    /// `[N, in]` → `[N, out]`.
    /// - Throws: `LayerError` when the input is not `[N, in]`.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        return try LayerError.wrapping(kind) { try linear(input, weight: weight.value, bias: bias?.value) }
    }

    /// `weight`, then `bias`.
    public var directParameters: [NamedParameter] {
        [NamedParameter(name: "weight", parameter: weight)] + (bias.map { [NamedParameter(name: "bias", parameter: $0)] } ?? [])
    }
}

extension Linear: CostReporting {
    /// MACs `N·in·out`; FLOPs `2·MACs + N·out` with bias.
    /// - Throws: `LayerError` when the input is not `[N, in]`.
    public func cost(for input: Shape) throws -> LayerCost {
        guard input.rank == 2, input[1] == inputFeatures else {
            throw LayerError.inputShape(kind, expected: "[N, \(inputFeatures)]", actual: input)
        }
        let output: Shape = [input[0], outputFeatures]
        let macs = input[0] * inputFeatures * outputFeatures
        return LayerCost(
            kind: kind, input: input, output: output, parameters: parameterCount, macs: macs,
            flops: 2 * macs + (bias == nil ? 0 : output.elementCount))
    }
}

extension Linear: CustomStringConvertible {
    /// `Linear(400, 120)`.
    public var description: String {
        "Linear(\(inputFeatures), \(outputFeatures)" + (bias == nil ? ", bias: false)" : ")")
    }
}
