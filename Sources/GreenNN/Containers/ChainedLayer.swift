/// A composite block whose children run one after another (depthwise-separable, flattened,
/// shrinked, low-rank). Conforming types list their `children` and get `forward(_:)`,
/// `backward(_:)`, `cost(for:)` and `plan(_:in:)` for free, with errors and cost rows carrying the children's paths.
public protocol ChainedLayer: InferencePlanning {}

extension ChainedLayer {
    /// Runs `children` in order.
    /// - Throws: the first failing child's `LayerError`, its path prefixed.
    public func forward(_ input: Tensor) throws -> Tensor {
        try forwardChain(children, input)
    }

    /// Runs the children's backward passes in reverse order.
    /// - Throws: the first failing child's `LayerError`, its path prefixed.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try backwardChain(children, outputGradient)
    }

    /// Runs the children's backward passes in reverse order, the first child with parameters
    /// for parameter gradients only, and skips those before it.
    /// - Throws: the first failing child's `LayerError`, its path prefixed.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        try backwardChainParameters(children, outputGradient)
    }

    /// Plans `children` in order, so a BatchNorm or activation among them folds into the step
    /// before it.
    /// - Throws: the first failing child's `LayerError`, its path prefixed.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        try children.reduce(input) { try builder.plan($1.layer, named: $1.name, input: $0) }
    }

    /// The children's rows, nested and summed; shared parameters count once.
    /// - Throws: the first failing child's `LayerError`, its path prefixed.
    public func cost(for input: Shape) throws -> LayerCost {
        try LayerCost.chain(for: self, input: input, children: children)
    }
}
