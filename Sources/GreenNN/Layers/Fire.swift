/// SqueezeNet's fire module (Iandola et al. 2016): a 1x1 squeeze conv to s channels and an
/// activation, then a 1x1 (e1) and a 3x3 (e3, padding 1) expand conv in parallel, each with
/// an activation, concatenated on channels.
///
/// - Input: `[N, C, H, W]` → Output: `[N, e1 + e3, H, W]`.
/// - Children (torchvision's names, so its state_dict keys match): `squeeze`,
///   `squeeze_activation`, `expand1x1`, `expand1x1_activation`, `expand3x3`,
///   `expand3x3_activation` (activations only when `activation` is not nil).
/// - MACs: `N·H·W·(C·s + s·e1 + 9·s·e3)`. Backward: the children's, plus one add per squeezed
///   element (the two expand branches' gradients meet there).
public final class Fire: Layer {
    /// Input channels C.
    public let inputChannels: Int
    /// The squeeze stage, C → s.
    public let squeeze: Conv2d
    /// The 1x1 expand stage, s → e1.
    public let expand1x1: Conv2d
    /// The 3x3 expand stage, s → e3.
    public let expand3x3: Conv2d
    /// The activation after each stage, if any.
    public let activation: Activation?
    private let activations: [any Layer]?
    /// Training mode; `train()` / `eval()` set it on the stages too.
    public var isTraining = false

    /// Creates a fire module with PyTorch's default initialisation drawn from `generator`.
    /// - Throws: `LayerError` when a channel count is below 1.
    public convenience init(
        _ inputChannels: Int, squeeze squeezeChannels: Int, expand1x1 expand1x1Channels: Int,
        expand3x3 expand3x3Channels: Int, activation: Activation? = .relu, using generator: inout SeededGenerator
    ) throws {
        for (value, name) in [
            (inputChannels, "inputChannels"), (squeezeChannels, "squeeze"), (expand1x1Channels, "expand1x1"),
            (expand3x3Channels, "expand3x3"),
        ] {
            try LayerValidation.positive(value, name, in: "Fire")
        }
        try self.init(
            squeeze: try Conv2d(inputChannels, squeezeChannels, kernelSize: 1, using: &generator),
            expand1x1: try Conv2d(squeezeChannels, expand1x1Channels, kernelSize: 1, using: &generator),
            expand3x3: try Conv2d(squeezeChannels, expand3x3Channels, kernelSize: 3, padding: 1, using: &generator),
            activation: activation)
    }

    /// Creates a fire module from given convs (an ONNX importer or a weight loader builds them):
    /// `squeeze` a 1x1 conv C → s, `expand1x1` a 1x1 conv s → e1, `expand3x3` a 3x3 conv
    /// s → e3 with padding 1; all of stride 1, ungrouped and undilated.
    /// - Throws: `LayerError` when a conv has another shape or the channels do not chain.
    public init(squeeze: Conv2d, expand1x1: Conv2d, expand3x3: Conv2d, activation: Activation? = .relu) throws {
        for (conv, name, kernel) in [(squeeze, "squeeze", 1), (expand1x1, "expand1x1", 1), (expand3x3, "expand3x3", 3)]
        {
            guard conv.kernelSize == Size2D(kernel), conv.stride == Size2D(1), conv.padding == Size2D(kernel / 2),
                conv.dilation == Size2D(1), conv.groups == 1
            else {
                throw LayerError.invalidConfiguration(
                    "Fire",
                    "\(name) must be a \(kernel)x\(kernel) conv of stride 1 and padding \(kernel / 2), got \(conv)")
            }
        }
        guard expand1x1.inputChannels == squeeze.outputChannels, expand3x3.inputChannels == squeeze.outputChannels
        else {
            throw LayerError.invalidConfiguration(
                "Fire",
                "both expands must take the squeeze's \(squeeze.outputChannels) channels, got "
                    + "\(expand1x1.inputChannels) and \(expand3x3.inputChannels)")
        }
        self.inputChannels = squeeze.inputChannels
        self.activation = activation
        self.squeeze = squeeze
        self.expand1x1 = expand1x1
        self.expand3x3 = expand3x3
        activations = activation.map { kind in (0..<3).map { _ in kind.makeLayer() } }
    }

    /// Creates a fire module with weights from a system-seeded generator.
    /// - Throws: `LayerError` when a channel count is below 1.
    public convenience init(
        _ inputChannels: Int, squeeze: Int, expand1x1: Int, expand3x3: Int, activation: Activation? = .relu
    ) throws {
        var generator = DefaultInitialisation.systemSeeded()
        try self.init(
            inputChannels, squeeze: squeeze, expand1x1: expand1x1, expand3x3: expand3x3, activation: activation,
            using: &generator)
    }

    /// The squeeze stage and the two expand branches, each with its activation if any.
    private var stages: (squeeze: [NamedLayer], expand1x1: [NamedLayer], expand3x3: [NamedLayer]) {
        func stage(_ name: String, _ conv: Conv2d, _ index: Int) -> [NamedLayer] {
            [NamedLayer(name, conv)] + (activations.map { [NamedLayer(name + "_activation", $0[index])] } ?? [])
        }
        return (stage("squeeze", squeeze, 0), stage("expand1x1", expand1x1, 1), stage("expand3x3", expand3x3, 2))
    }

    /// `[N, C, H, W]` → `[N, e1 + e3, H, W]`.
    /// - Throws: a stage's `LayerError`, its path prefixed.
    public func forward(_ input: Tensor) throws -> Tensor {
        let stages = stages
        let squeezed = try forwardChain(stages.squeeze, input)
        let outputs = [try forwardChain(stages.expand1x1, squeezed), try forwardChain(stages.expand3x3, squeezed)]
        return try LayerError.wrapping(kind) { try concatenate(outputs, alongAxis: 1) }
    }

    /// Splits the gradient into the two expand branches' channels, runs their backward passes,
    /// adds their gradients, and runs the squeeze stage's backward pass on the sum.
    /// - Parameter outputGradient: `[N, e1 + e3, H, W]`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: a stage's `LayerError` (path prefixed), or `LayerError` for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try backwardChain(stages.squeeze, try expandGradient(outputGradient))
    }

    /// As `backward(_:)`, with the squeeze conv computing its parameter gradients only.
    /// - Throws: `LayerError` as `backward(_:)`.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        try backwardChainParameters(stages.squeeze, try expandGradient(outputGradient))
    }

    /// The gradient with respect to the squeeze stage's output: the sum of both expand branches'.
    private func expandGradient(_ outputGradient: Tensor) throws -> Tensor {
        let stages = stages
        let parts = try LayerError.wrapping(kind) {
            try split(outputGradient, sizes: [expand1x1.outputChannels, expand3x3.outputChannels], alongAxis: 1)
        }
        var gradient = try backwardChain(stages.expand1x1, parts[0])
        let other = try backwardChain(stages.expand3x3, parts[1])
        try LayerError.wrapping(kind) { try gradient.add(other) }
        return gradient
    }

    /// In execution order, with torchvision's names.
    public var children: [NamedLayer] {
        let stages = stages
        return stages.squeeze + stages.expand1x1 + stages.expand3x3
    }

    /// The squeeze chain, then both expand chains on its output; concatenation writes the
    /// output once more (activation bytes), 0 FLOPs. Backward adds one FLOP per squeezed element.
    /// - Throws: a stage's `LayerError`, its path prefixed.
    public func cost(for input: Shape) throws -> LayerCost {
        let stages = stages
        let squeezed = try LayerCost.rows(of: stages.squeeze, input: input)
        let first = try LayerCost.rows(of: stages.expand1x1, input: squeezed.output)
        let second = try LayerCost.rows(of: stages.expand3x3, input: squeezed.output)
        let arithmetic = try CostArithmetic(kind: kind, input: input)
        var output = first.output
        output[1] = try arithmetic.sum("output channel count", output[1], second.output[1])
        var cost = try LayerCost.combined(
            for: self, input: input, output: output, rows: squeezed.rows + first.rows + second.rows)
        // combined(…) checked the output; the squeezed output is a child's, checked by that child.
        cost.activationBytes = try arithmetic.scaled(
            "activation byte count", 4, output.elementCount, plus: cost.activationBytes)
        cost.backwardFLOPs = try arithmetic.sum(
            "backward FLOP count", cost.backwardFLOPs, squeezed.output.elementCount)
        return cost
    }

    /// `Fire(96, squeeze: 16, expand1x1: 64, expand3x3: 64)`, with the activation when not ReLU.
    public var description: String {
        "Fire(\(inputChannels), squeeze: \(squeeze.outputChannels), expand1x1: \(expand1x1.outputChannels), "
            + "expand3x3: \(expand3x3.outputChannels)"
            + (activation == .relu ? ")" : ", activation: \(activation.map { ".\($0.rawValue)" } ?? "nil"))")
    }
}

extension Fire: InferencePlanning {
    /// The squeeze (its activation fused), then both expands (theirs fused) writing straight
    /// into their channels of the output: no concatenation pass.
    /// - Throws: a stage's `LayerError`, its path prefixed.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        func chain(_ stage: [NamedLayer], _ value: PlannedValue) throws -> PlannedValue {
            try stage.reduce(value) { try builder.plan($1.layer, named: $1.name, input: $0) }
        }
        let stages = stages
        let squeezed = try chain(stages.squeeze, input)
        builder.share(squeezed)
        return try builder.concatenated([try chain(stages.expand1x1, squeezed), try chain(stages.expand3x3, squeezed)])
    }
}
