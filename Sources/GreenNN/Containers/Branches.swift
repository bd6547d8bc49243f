/// Parallel branches on the same input, their outputs concatenated along the channel axis
/// (the pattern of SqueezeNet's expand stage and Inception blocks).
///
/// - Input: `[N, C, H, W]` (each branch must take it) → Output: `[N, ΣCᵢ, H', W']`, every
///   branch producing the same `N, H', W'`.
/// - Cost: the sum of the branches; concatenation is a copy (0 FLOPs), and so is the split of
///   the gradient in backward; the branches' input gradients are summed (one add per input
///   element per branch after the first).
public final class Branches: ContainerLayer {
    /// The branches, in the order their channels appear in the output.
    public let branches: [any Layer]
    /// Training mode; `train()` / `eval()` set it on every branch too.
    public var isTraining = false
    /// The output channels of each branch in the last training-mode forward pass.
    private var cachedChannels: [Int]?

    /// Branches over the same input.
    /// - Throws: `LayerError` when `branches` is empty.
    public init(_ branches: [any Layer]) throws {
        guard !branches.isEmpty else { throw LayerError.invalidConfiguration("Branches", "needs at least one branch") }
        self.branches = branches
    }

    /// Branches from a result builder, one per line.
    /// - Throws: `LayerError` when empty, or whatever building a branch throws.
    public convenience init(@LayerBuilder _ build: () throws -> [any Layer]) throws {
        try self.init(try build())
    }

    /// Runs every branch on `input` and concatenates the outputs along axis 1.
    /// - Throws: a branch's error (path prefixed), or `LayerError` when the outputs disagree
    ///   on any axis but channels.
    public func forward(_ input: Tensor) throws -> Tensor {
        let outputs = try children.map { child in
            try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.forward(input) }
        }
        let output = try LayerError.wrapping(kind) { try concatenate(outputs, alongAxis: 1) }
        cachedChannels = isTraining ? outputs.map { $0.shape[1] } : nil
        return output
    }

    /// Splits the gradient along the channels, runs each branch's backward pass on its part,
    /// and sums the branches' input gradients.
    /// - Parameter outputGradient: `[N, ΣCᵢ, H', W']`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: `LayerError` without a training-mode forward pass, for a mis-shaped gradient,
    ///   or a branch's error (path prefixed).
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        var total: Tensor?
        for (child, part) in zip(children, try splitGradient(outputGradient)) {
            let gradient = try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.backward(part) }
            if total == nil {
                total = gradient
            } else {
                try LayerError.wrapping(kind) { try total!.add(gradient) }
            }
        }
        return total!
    }

    /// Each branch's parameter gradients only, on its part of the gradient.
    /// - Throws: `LayerError` as `backward(_:)`.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        for (child, part) in zip(children, try splitGradient(outputGradient)) {
            try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.backwardParameters(part) }
        }
    }

    /// The output gradient split into each branch's channels.
    private func splitGradient(_ outputGradient: Tensor) throws -> [Tensor] {
        let channels = try LayerValidation.takeCache(&cachedChannels, in: kind)
        return try LayerError.wrapping(kind) { try split(outputGradient, sizes: channels, alongAxis: 1) }
    }

    /// The branches' output channels in the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedChannels.map(TrainingCache.init) }
        set { cachedChannels = newValue?.contents(as: [Int].self) }
    }

    /// `"0"`, `"1"`, … in order.
    public var children: [NamedLayer] {
        branches.enumerated().map { NamedLayer(String($0.offset), $0.element) }
    }

    /// Each branch costed on the same input; output channels summed.
    /// - Throws: a branch's error (path prefixed), or `LayerError` when the branch outputs
    ///   disagree on any axis but channels.
    public func cost(for input: Shape) throws -> LayerCost {
        let rows = try children.map { child in
            try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.cost(for: input) }
                .prefixed(with: child.name)
        }
        let arithmetic = try CostArithmetic(kind: kind, input: input)
        var output = rows[0].output
        guard output.rank >= 2 else {
            throw LayerError.inputShape(kind, expected: "branch outputs [N, C, …]", actual: output)
        }
        output[1] = 0
        for row in rows {
            var expected = rows[0].output
            expected[1] = row.output.rank == expected.rank ? row.output[1] : -1
            guard row.output == expected else {
                throw LayerError(
                    kind: kind,
                    reason: .invalidState(
                        "branch outputs must match on every axis but channels: \(rows[0].output) vs \(row.output)"))
            }
            output[1] = try arithmetic.sum("output channel count", output[1], row.output[1])
        }
        var cost = try LayerCost.combined(for: self, input: input, output: output, rows: rows)
        // combined(…) checked the output and the input.
        cost.activationBytes = try arithmetic.scaled(
            "activation byte count", 4, output.elementCount, plus: cost.activationBytes)
        cost.backwardFLOPs = try arithmetic.scaled(
            "backward FLOP count", rows.count - 1, input.elementCount, plus: cost.backwardFLOPs)
        return cost
    }

    /// The indented tree of branches.
    public var description: String { tree }
}

extension Branches: InferencePlanning {
    /// Every branch on the shared input, each writing straight into its channels of the output
    /// when nothing else reads its result.
    /// - Throws: a branch's `LayerError`, its path prefixed.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        builder.share(input)
        return try builder.concatenated(
            try children.map { try builder.plan($0.layer, named: $0.name, input: input) })
    }
}
