/// A composite block whose children run one after another (depthwise-separable, flattened,
/// shrinked, low-rank). Conforming types list their `children` and get `forward(_:)`,
/// `backward(_:)` and `cost(for:)` for free, with errors and cost rows carrying the children's paths.
public protocol ChainedLayer: Layer {}

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

    /// The children's rows, nested and summed; shared parameters count once.
    /// - Throws: the first failing child's `LayerError`, its path prefixed.
    public func cost(for input: Shape) throws -> LayerCost {
        try LayerCost.chain(for: self, input: input, children: children)
    }
}
