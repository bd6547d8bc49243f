/// A residual block (He et al. 2016): `activation(body(x) + shortcut(x))`, the body a chain
/// of named layers and the shortcut the identity, a projection (a strided 1x1 conv and
/// BatchNorm, torchvision's `downsample`), or absent (then the block is its body alone, as a
/// MobileNetV2 inverted residual whose shapes change).
///
/// Children are the body's layers, then the shortcut, under the names given, so a block built
/// as torchvision's `BasicBlock` has its state_dict names: `conv1`, `bn1`, `relu`, `conv2`,
/// `bn2`, `downsample.0`, `downsample.1`.
///
/// - Input: `[N, C, H, W]` → Output: the body's output, which the shortcut's must equal.
/// - Cost: the body, the shortcut, one add per output element (FLOPs) and the activation;
///   backward adds the two input gradients (one add per input element).
///
/// ```swift
/// let block = try Residual(
///     body: [
///         NamedLayer("conv1", try Conv2d(64, 64, kernelSize: 3, padding: 1, bias: false)),
///         NamedLayer("bn1", try BatchNorm2d(64)), NamedLayer("relu", ReLU()),
///         NamedLayer("conv2", try Conv2d(64, 64, kernelSize: 3, padding: 1, bias: false)),
///         NamedLayer("bn2", try BatchNorm2d(64)),
///     ], shortcut: .identity, activation: .relu)
/// ```
public final class Residual: ContainerLayer {
    /// What is added to the body's output.
    public enum Shortcut {
        /// The block's input itself.
        case identity
        /// A layer on the block's input (torchvision's `downsample`), under its name.
        case layer(NamedLayer)
        /// Nothing: the block is its body alone.
        case none
    }

    /// The layers run in order on the input, with their names.
    public let body: [NamedLayer]
    /// What is added to the body's output.
    public let shortcut: Shortcut
    /// Applied after the add (ResNet's final ReLU), or nil.
    public let activation: Activation?
    /// The kind the block reports in cost tables and errors ("Residual", "InvertedResidual").
    public let kind: String
    /// Training mode; `train()` / `eval()` set it on every child too.
    public var isTraining = false {
        didSet { activationLayer?.isTraining = isTraining }
    }
    private let activationLayer: (any Layer)?

    /// A residual block of `body` and `shortcut`, `activation` after the add, reporting `kind`.
    /// - Throws: `LayerError` when `body` is empty or two children share a name.
    public init(
        body: [NamedLayer], shortcut: Shortcut, activation: Activation? = nil, kind: String = "Residual"
    ) throws {
        guard !body.isEmpty else { throw LayerError.invalidConfiguration(kind, "the body needs at least one layer") }
        var names = body.map(\.name)
        if case let .layer(named) = shortcut { names.append(named.name) }
        guard Set(names).count == names.count else {
            throw LayerError.invalidConfiguration(kind, "child names must be unique, got \(names)")
        }
        self.body = body
        self.shortcut = shortcut
        self.activation = activation
        self.kind = kind
        activationLayer = activation?.makeLayer()
    }

    /// The body's layers, then the shortcut layer if there is one.
    public var children: [NamedLayer] {
        if case let .layer(named) = shortcut { return body + [named] }
        return body
    }

    /// `activation(body(x) + shortcut(x))`.
    /// - Throws: a child's `LayerError` (path prefixed), or `LayerError` when the body's and
    ///   the shortcut's outputs differ in shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        var output = try forwardChain(body, input)
        if let added = try shortcutForward(input) {
            guard added.shape == output.shape else { throw mismatch(output.shape, added.shape) }
            try LayerError.wrapping(kind) { try output.add(added) }
        }
        guard let activationLayer else { return output }
        return try LayerError.wrapping(kind) { try activationLayer.forward(output) }
    }

    /// The gradient through the activation, then through the body and the shortcut, summed.
    /// - Throws: `LayerError` without a training-mode forward pass, or a child's error.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let gradient = try activationGradient(outputGradient)
        var total = try backwardChain(body, gradient)
        switch shortcut {
        case .identity: try LayerError.wrapping(kind) { try total.add(gradient) }
        case let .layer(named):
            let part = try LayerError.inChild(named.name, kind: named.layer.kind) { try named.layer.backward(gradient) }
            try LayerError.wrapping(kind) { try total.add(part) }
        case .none: break
        }
        return total
    }

    /// The parameter gradients of the body and the shortcut only.
    /// - Throws: `LayerError` as `backward(_:)`.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        let gradient = try activationGradient(outputGradient)
        try backwardChainParameters(body, gradient)
        if case let .layer(named) = shortcut {
            try LayerError.inChild(named.name, kind: named.layer.kind) { try named.layer.backwardParameters(gradient) }
        }
    }

    /// The activation's cached output from the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { activationLayer?.trainingCache }
        set { activationLayer?.trainingCache = newValue }
    }

    /// The body's and the shortcut's rows, plus the add and the activation.
    /// - Throws: a child's `LayerError` (path prefixed), or `LayerError` when the outputs differ.
    public func cost(for input: Shape) throws -> LayerCost {
        let (bodyRows, output) = try LayerCost.rows(of: body, input: input)
        var rows = bodyRows
        var shortcutOutput: Shape?
        switch shortcut {
        case .identity: shortcutOutput = input
        case let .layer(named):
            let row = try LayerError.inChild(named.name, kind: named.layer.kind) { try named.layer.cost(for: input) }
            rows.append(row.prefixed(with: named.name))
            shortcutOutput = row.output
        case .none: break
        }
        if let shortcutOutput, shortcutOutput != output { throw mismatch(output, shortcutOutput) }
        // The activation is not a child (it has no path), but its cost is the block's.
        let activationRow = try activationLayer.map { layer in
            try LayerError.wrapping(kind) { try layer.cost(for: output) }
        }
        var cost = try LayerCost.combined(
            for: self, input: input, output: output, rows: rows + (activationRow.map { [$0] } ?? []))
        cost.children = rows
        if shortcutOutput != nil {
            let arithmetic = try CostArithmetic(kind: kind, input: input)
            cost.flops = try arithmetic.sum("FLOP count", cost.flops, output.elementCount)
            cost.backwardFLOPs = try arithmetic.sum("backward FLOP count", cost.backwardFLOPs, input.elementCount)
        }
        return cost
    }

    /// The indented tree of children.
    public var description: String { tree }

    private func shortcutForward(_ input: Tensor) throws -> Tensor? {
        switch shortcut {
        case .identity: return input
        case let .layer(named):
            return try LayerError.inChild(named.name, kind: named.layer.kind) { try named.layer.forward(input) }
        case .none: return nil
        }
    }

    /// The error for a body and a shortcut whose outputs differ.
    private func mismatch(_ body: Shape, _ shortcut: Shape) -> LayerError {
        LayerError(
            kind: kind, reason: .invalidState("the body gives \(body), the shortcut \(shortcut); they must match"))
    }

    private func activationGradient(_ outputGradient: Tensor) throws -> Tensor {
        guard let activationLayer else { return outputGradient }
        return try LayerError.wrapping(kind) { try activationLayer.backward(outputGradient) }
    }
}

extension Residual: InferencePlanning {
    /// The body, then the shortcut on the shared input, then one pass adding them with the
    /// activation (and any BatchNorm or activation that follows) fused into it.
    /// - Throws: a child's `LayerError`, its path prefixed.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        let sum: PlannedValue
        if case .none = shortcut {
            sum = try body.reduce(input) { try builder.plan($1.layer, named: $1.name, input: $0) }
        } else {
            builder.share(input)
            let main = try body.reduce(input) { try builder.plan($1.layer, named: $1.name, input: $0) }
            var added = input
            if case let .layer(named) = shortcut {
                added = try builder.plan(named.layer, named: named.name, input: input)
            }
            sum = try builder.added(main, added)
        }
        return activation.map { builder.clamp(sum, to: $0) } ?? sum
    }
}
