/// Flattens every axis after the batch: `[N, d1, d2, …]` → `[N, d1·d2·…]` (no copy).
/// 0 MACs, 0 FLOPs, 0 activation bytes (a view), forward and backward.
public final class Flatten: Layer {
    /// Training mode: forward keeps its input shape for `backward(_:)`.
    public var isTraining = false
    private var cachedShape: Shape?

    /// Creates a flatten layer.
    public init() {}

    /// `[N, …]` → `[N, product of the rest]`.
    /// - Throws: `LayerError` for a rank-0 input.
    public func forward(_ input: Tensor) throws -> Tensor {
        let output = try cost(for: input.shape).output
        let result = try LayerError.wrapping(kind) { try input.reshaped(to: output) }
        cachedShape = isTraining ? input.shape : nil
        return result
    }

    /// The gradient viewed with the input's shape (no copy).
    /// - Parameter outputGradient: `[N, d1·d2·…]`.
    /// - Returns: `[N, d1, d2, …]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a gradient of another size.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let shape = try LayerValidation.takeCache(&cachedShape, in: kind)
        let output = try cost(for: shape).output
        guard outputGradient.shape == output else {
            throw LayerError(
                kind: kind, reason: .invalidInput("output gradient must be \(output), got \(outputGradient.shape)"))
        }
        return try LayerError.wrapping(kind) { try outputGradient.reshaped(to: shape) }
    }

    /// The input shape of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedShape.map(TrainingCache.init) }
        set { cachedShape = newValue?.contents(as: Shape.self) }
    }

    /// A reshape: no arithmetic, no new memory.
    /// - Throws: `LayerError` for a rank-0 input.
    public func cost(for input: Shape) throws -> LayerCost {
        guard input.rank >= 1 else { throw LayerError.inputShape(kind, expected: "[N, …]", actual: input) }
        _ = try CostArithmetic(kind: kind, input: input)  // so the product below cannot overflow
        let output: Shape = [input[0], input.dimensions.dropFirst().reduce(1, *)]
        return LayerCost(kind: kind, input: input, output: output, activationBytes: 0)
    }

    /// `Flatten()`.
    public var description: String { "Flatten()" }
}

extension Flatten: InferencePlanning {
    /// A view of the input with the flattened shape: no step.
    /// - Throws: `LayerError` for a rank-0 input.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        try builder.reshaped(input, to: try cost(for: input.shape).output)
    }
}
