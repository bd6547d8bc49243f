/// ReLU6: `min(max(x, 0), 6)` (MobileNet), any shape. FLOPs: 2 per element (two compares),
/// forward and backward.
public final class ReLU6: Layer {
    /// Training mode: forward keeps its output for `backward(_:)`.
    public var isTraining = false
    private var cachedOutput: Tensor?

    /// Creates a ReLU6.
    public init() {}

    /// Any shape → same shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        let output = relu6(input)
        cachedOutput = isTraining ? output : nil
        return output
    }

    /// The gradient where `0 < output < 6`, 0 elsewhere.
    /// - Parameter outputGradient: the output's shape.
    /// - Returns: the input's shape.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let output = try LayerValidation.takeCache(&cachedOutput, in: kind)
        return try LayerError.wrapping(kind) { try relu6Backward(outputGradient, output: output) }
    }

    /// Takes `output` as this layer's training-mode output when a conv computed it with the
    /// ReLU6 fused into its output pass (`forwardStep`), so `backward(_:)` finds its cache.
    func adoptTrainingOutput(_ output: Tensor) {
        cachedOutput = isTraining ? output : nil
    }

    /// The cached output of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedOutput.map(TrainingCache.init) }
        set { cachedOutput = newValue?.contents(as: Tensor.self) }
    }

    /// 0 MACs; 2 FLOPs per element, forward and backward.
    public func cost(for input: Shape) throws -> LayerCost {
        try LayerCost.elementwise(kind: kind, input: input, flopsPerElement: 2, backwardFlopsPerElement: 2)
    }

    /// `ReLU6()`.
    public var description: String { "ReLU6()" }
}

extension ReLU6: InferencePlanning {
    /// A clamp to 0...6, applied by the step before it as it stores its output.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        builder.clamp(input, to: .relu6)
    }
}
