/// One block applied `repetitions` times with the same parameters (static parameter sharing,
/// as in ALBERT, Lan et al. 2019): `y = f(f(…f(x)))`. Its input and output shapes must match.
///
/// - Input: `[N, …]` → Output: the same shape.
/// - Parameters: the block's, once. MACs and FLOPs: the block's, `repetitions` times, forward
///   and backward.
/// - Child: `block`; cost tables mark the row "×n".
/// - Training: each application's forward pass leaves the block's caches (one input per
///   application, and whatever else its layers keep); the block holds the last one and
///   the others are kept here (`TrainingCache`). Backward runs the applications in reverse,
///   putting each one's caches back first, so the shared parameters' gradients accumulate the
///   contributions of every application.
public final class SharedBlock: Layer {
    /// The shared block.
    public let block: any Layer
    /// How many times it is applied.
    public let repetitions: Int
    /// Training mode; `train()` / `eval()` set it on the block too.
    public var isTraining = false
    /// The block's caches after each application but the last, in order.
    private var applicationCaches: [[TrainingCache?]]?

    /// Wraps `block`, applied `repetitions` times.
    /// - Throws: `LayerError` when `repetitions < 1`.
    public init(_ block: any Layer, repetitions: Int) throws {
        try LayerValidation.positive(repetitions, "repetitions", in: "SharedBlock")
        self.block = block
        self.repetitions = repetitions
    }

    /// Applies the block `repetitions` times.
    /// - Throws: the block's error (path "block"), or `LayerError` when the block changes the shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        var value = input
        var caches: [[TrainingCache?]] = []
        for application in 0..<repetitions {
            value = try forwardChain(children, value)
            if isTraining && application < repetitions - 1 { caches.append(block.takeTrainingCaches()) }
        }
        applicationCaches = isTraining ? caches : nil
        return value
    }

    /// Runs the block's backward pass once per application, last application first.
    /// - Parameter outputGradient: the input's shape.
    /// - Returns: the input's shape.
    /// - Throws: `LayerError` without a training-mode forward pass, or the block's error (path "block").
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try backwardApplications(outputGradient, needsInputGradient: true)!
    }

    /// As `backward(_:)`, with the first application computing parameter gradients only.
    /// - Throws: `LayerError` as `backward(_:)`.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        _ = try backwardApplications(outputGradient, needsInputGradient: false)
    }

    private func backwardApplications(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        let caches = try LayerValidation.takeCache(&applicationCaches, in: kind)
        var gradient = outputGradient
        for application in (0..<repetitions).reversed() {
            if application < repetitions - 1 { block.restoreTrainingCaches(caches[application]) }
            if application == 0 && !needsInputGradient {
                try backwardChainParameters(children, gradient)
                return nil
            }
            gradient = try backwardChain(children, gradient)
        }
        return gradient
    }

    /// The caches of every application but the last (the block holds the last one).
    public var trainingCache: TrainingCache? {
        get { applicationCaches.map(TrainingCache.init) }
        set { applicationCaches = newValue?.contents(as: [[TrainingCache?]].self) }
    }

    /// The block, once.
    public var children: [NamedLayer] { [NamedLayer("block", block)] }

    /// The block's row once (its parameters and weight bytes), its MACs, FLOPs (forward and
    /// backward) and activation bytes `repetitions` times.
    /// - Throws: the block's error, or `LayerError` when the block changes the shape.
    public func cost(for input: Shape) throws -> LayerCost {
        let row = try LayerError.inChild("block", kind: block.kind) { try block.cost(for: input) }.prefixed(
            with: "block")
        guard row.output == input else {
            throw LayerError(
                kind: kind,
                reason: .invalidState(
                    "the shared block must keep its input shape to be repeated: \(input) -> \(row.output)"))
        }
        let arithmetic = try CostArithmetic(kind: kind, input: input)
        return LayerCost(
            kind: kind, input: input, output: input, parameters: parameterCount,
            macs: try arithmetic.product("MAC count", repetitions, row.macs),
            flops: try arithmetic.product("FLOP count", repetitions, row.flops),
            backwardMACs: try arithmetic.product("backward MAC count", repetitions, row.backwardMACs),
            backwardFLOPs: try arithmetic.product("backward FLOP count", repetitions, row.backwardFLOPs),
            weightBytes: 4 * storedFloatCount,
            activationBytes: try arithmetic.product("activation byte count", repetitions, row.activationBytes),
            applications: repetitions, children: [row])
    }

    /// `SharedBlock(×3)`; trees show the block beneath it.
    public var description: String { "SharedBlock(×\(repetitions))" }
}

extension SharedBlock: InferencePlanning {
    /// The block planned once per application (the steps share nothing but the weights' values).
    /// - Throws: the block's `LayerError` (path "block").
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        _ = try cost(for: input.shape)
        var value = input
        for _ in 0..<repetitions { value = try builder.plan(block, named: "block", input: value) }
        return value
    }
}
