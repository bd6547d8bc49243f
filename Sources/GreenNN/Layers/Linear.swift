/// Fully connected layer: `y = x·Wᵀ + b`, one GEMM.
///
/// - Input: `[N, inputFeatures]` → Output: `[N, outputFeatures]`.
/// - Parameters: `weight [out, in]` and `bias [out]`, initialised U(−1/√in, 1/√in) as PyTorch does.
/// - MACs: `N·in·out`; FLOPs `2·MACs + N·out` with bias. Backward: `2·MACs` (weight-gradient
///   and input-gradient GEMMs).
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

    /// Training mode: forward keeps its input for `backward(_:)`.
    public var isTraining = false
    private var cachedInput: Tensor?

    /// Creates a linear layer with PyTorch's default initialisation drawn from `generator`.
    /// - Throws: `LayerError` when a feature count is below 1.
    public convenience init(
        _ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true, using generator: inout SeededGenerator
    ) throws {
        try LayerValidation.positive(inputFeatures, "inputFeatures", in: "Linear")
        try LayerValidation.positive(outputFeatures, "outputFeatures", in: "Linear")
        try self.init(
            weight: DefaultInitialisation.weight(
                [outputFeatures, inputFeatures], fanIn: inputFeatures, using: &generator),
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
            throw LayerError.invalidConfiguration(
                "Linear", "weight must be [out, in] with no empty axis, got \(weight.shape)")
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
        let output = try LayerError.wrapping(kind) { try linear(input, weight: weight.value, bias: bias?.value) }
        cachedInput = isTraining ? input : nil
        return output
    }

    /// Bias gradient, weight gradient `dYᵀ·X`, input gradient `dY·W` (`linearBackward`).
    /// - Parameter outputGradient: `[N, out]`.
    /// - Returns: `[N, in]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try backward(outputGradient, computesInputGradient: true)!
    }

    /// Parameter gradients only: the input-gradient GEMM is skipped.
    /// - Throws: `LayerError` as `backward(_:)`.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        _ = try backward(outputGradient, computesInputGradient: false)
    }

    private func backward(_ outputGradient: Tensor, computesInputGradient: Bool) throws -> Tensor? {
        let input = try LayerValidation.takeCache(&cachedInput, in: kind)
        return try LayerError.wrapping(kind) {
            let gradients = try linearBackward(
                outputGradient, input: input, weight: weight.value, hasBias: bias != nil,
                computesInputGradient: computesInputGradient)
            try gradients.accumulate(into: weight, bias: bias)
            return gradients.input
        }
    }

    /// The cached input of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedInput.map(TrainingCache.init) }
        set { cachedInput = newValue?.contents(as: Tensor.self) }
    }

    /// `weight`, then `bias`.
    public var directParameters: [NamedParameter] {
        NamedParameter.weightAndBias(weight, bias)
    }
}

extension Linear: CostReporting {
    /// MACs `N·in·out`; FLOPs `2·MACs + N·out` with bias; backward MACs `2·MACs`, backward
    /// FLOPs `4·MACs + N·out` with bias (the bias gradient's adds).
    /// - Throws: `LayerError` when the input is not `[N, in]`.
    public func cost(for input: Shape) throws -> LayerCost {
        guard input.rank == 2, input[1] == inputFeatures else {
            throw LayerError.inputShape(kind, expected: "[N, \(inputFeatures)]", actual: input)
        }
        let arithmetic = try CostArithmetic(kind: kind, input: input)
        let output: Shape = [input[0], outputFeatures]
        let outputCount = try arithmetic.outputElementCount(output)
        let macs = try arithmetic.product("MAC count", input[0], inputFeatures, outputFeatures)
        return try LayerCost.multiplyAccumulate(
            arithmetic, output: output, macs: macs, biasAdds: bias == nil ? 0 : outputCount, parameters: parameterCount)
    }
}

extension Linear: CustomStringConvertible {
    /// `Linear(400, 120)`.
    public var description: String {
        "Linear(\(inputFeatures), \(outputFeatures)" + (bias == nil ? ", bias: false)" : ")")
    }
}

extension Linear: InferencePlanning {
    /// One GEMM step; a following activation clamps its output rows.
    /// - Throws: `LayerError` as `forward` would.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        _ = try cost(for: input.shape)
        return try builder.linear(input, weight: weight.value, bias: bias?.value)
    }
}
