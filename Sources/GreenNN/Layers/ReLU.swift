/// ReLU: `max(x, 0)`, any shape. FLOPs: 1 per element (a compare), forward and backward.
public final class ReLU: Layer {
    /// Training mode: forward keeps its output for `backward(_:)`.
    public var isTraining = false
    private var cachedOutput: Tensor?

    /// Creates a ReLU.
    public init() {}

    /// Any shape → same shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        let output = relu(input)
        cachedOutput = isTraining ? output : nil
        return output
    }

    /// The gradient where the output is positive, 0 elsewhere.
    /// - Parameter outputGradient: the output's shape.
    /// - Returns: the input's shape.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let output = try LayerValidation.takeCache(&cachedOutput, in: kind)
        return try LayerError.wrapping(kind) { try reluBackward(outputGradient, output: output) }
    }

    /// Takes `output` as this layer's training-mode output when a conv computed it with the
    /// ReLU fused into its output pass (`forwardStep`), so `backward(_:)` finds its cache.
    func adoptTrainingOutput(_ output: Tensor) {
        cachedOutput = isTraining ? output : nil
    }

    /// Consumes the cache when a following max pool runs this layer's backward pass fused into
    /// its own (`backwardChain`).
    /// - Throws: `LayerError` without a training-mode forward pass.
    func discardTrainingOutput() throws {
        _ = try LayerValidation.takeCache(&cachedOutput, in: kind)
    }

    /// The cached output of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedOutput.map(TrainingCache.init) }
        set { cachedOutput = newValue?.contents(as: Tensor.self) }
    }

    /// 0 MACs; 1 FLOP per element, forward and backward.
    public func cost(for input: Shape) throws -> LayerCost {
        try LayerCost.elementwise(kind: kind, input: input, flopsPerElement: 1, backwardFlopsPerElement: 1)
    }

    /// `ReLU()`.
    public var description: String { "ReLU()" }
}

extension ReLU: InferencePlanning {
    /// A clamp at 0, applied by the step before it as it stores its output.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        builder.clamp(input, to: .relu)
    }
}
