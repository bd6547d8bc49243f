/// Global average pooling: the mean of each channel plane (PyTorch's `AdaptiveAvgPool2d(1)`).
///
/// - Input: `[N, C, H, W]` → Output: `[N, C, 1, 1]`.
/// - FLOPs: `N·C·H·W` (H·W − 1 adds and a divide per channel); 0 MACs. Backward: `N·C` (a
///   divide per plane; filling the plane is a copy).
public final class GlobalAvgPool2d: Layer {
    /// Training mode: forward keeps its input shape for `backward(_:)`.
    public var isTraining = false
    private var cachedShape: Shape?

    /// Creates a global average pool.
    public init() {}

    /// `[N, C, H, W]` → `[N, C, 1, 1]`.
    /// - Throws: `LayerError` for a wrong rank or an empty plane.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        let output = try LayerError.wrapping(kind) { try globalAvgPool2d(input) }
        cachedShape = isTraining ? input.shape : nil
        return output
    }

    /// Each plane filled with its gradient divided by H·W (`globalAvgPool2dBackward`).
    /// - Parameter outputGradient: `[N, C, 1, 1]`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let shape = try LayerValidation.takeCache(&cachedShape, in: kind)
        return try LayerError.wrapping(kind) { try globalAvgPool2dBackward(outputGradient, inputShape: shape) }
    }

    /// The input shape of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedShape.map(TrainingCache.init) }
        set { cachedShape = newValue?.contents(as: Shape.self) }
    }

    /// FLOPs `N·C·H·W`; backward `N·C`.
    /// - Throws: `LayerError` for a wrong rank or an empty plane.
    public func cost(for input: Shape) throws -> LayerCost {
        let image = try LayerValidation.image(input, in: kind)
        guard image.height >= 1, image.width >= 1 else {
            throw LayerError.inputShape(kind, expected: "[N, C, H, W] with H, W >= 1", actual: input)
        }
        // Checking the input makes every product of its dimensions below safe.
        _ = try CostArithmetic(kind: kind, input: input)
        return LayerCost(
            kind: kind, input: input, output: [image.batch, image.channels, 1, 1], flops: input.elementCount,
            backwardFLOPs: image.batch * image.channels)
    }

    /// `GlobalAvgPool2d()`.
    public var description: String { "GlobalAvgPool2d()" }
}

extension GlobalAvgPool2d: InferencePlanning {
    /// One plane-mean step.
    /// - Throws: `LayerError` as `forward` would.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        _ = try cost(for: input.shape)
        return try builder.globalAveragePool(input)
    }
}
