/// Area (average) resampling of the feature map by a factor, the resolution multiplier ρ of
/// MobileNet's model shrinking: `H' = max(1, ⌊ρ·H⌋)`, `W' = max(1, ⌊ρ·W⌋)` (the sizes of
/// PyTorch's `interpolate(scale_factor: ρ, mode: "area")`), each output the mean of its
/// adaptive window.
///
/// - Input: `[N, C, H, W]` → Output: `[N, C, H', W']`.
/// - FLOPs: one per input cell read (adds plus the divide); 0 MACs, no parameters. Backward:
///   the adaptive pool's (`adaptiveAvgPool2dBackward`); the identity when ρ = 1.
public final class AreaResample: Layer {
    /// The factor ρ in (0, 1].
    public let scale: Float
    /// Training mode: forward keeps its input shape for `backward(_:)`.
    public var isTraining = false
    private var cachedShape: Shape?

    /// Creates a resampler by `scale`.
    /// - Throws: `LayerError` unless `0 < scale <= 1`.
    public init(scale: Float) throws {
        try LayerValidation.within(scale, "(0, 1]", "scale", in: "AreaResample") { $0 > 0 && $0 <= 1 }
        self.scale = scale
    }

    /// The adaptive pool that maps `input`'s plane to the scaled size.
    private func pool(for input: Shape) throws -> AdaptiveAvgPool2d {
        let image = try LayerValidation.image(input, in: kind)
        func scaled(_ size: Int) -> Int { Swift.max(1, Int((Float(size) * scale).rounded(.down))) }
        return try AdaptiveAvgPool2d(outputSize: Size2D(height: scaled(image.height), width: scaled(image.width)))
    }

    /// `[N, C, H, W]` → `[N, C, ⌊ρH⌋, ⌊ρW⌋]`.
    /// - Throws: `LayerError` for a wrong rank or an empty plane.
    public func forward(_ input: Tensor) throws -> Tensor {
        let output = scale < 1 ? try pool(for: input.shape).forward(input) : input
        cachedShape = isTraining ? input.shape : nil
        return output
    }

    /// Each output gradient spread evenly over its window; the gradient itself when ρ = 1.
    /// - Parameter outputGradient: `[N, C, ⌊ρH⌋, ⌊ρW⌋]`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let shape = try LayerValidation.takeCache(&cachedShape, in: kind)
        let expected = try cost(for: shape).output
        guard outputGradient.shape == expected else {
            throw LayerError(
                kind: kind, reason: .invalidInput("output gradient must be \(expected), got \(outputGradient.shape)"))
        }
        guard scale < 1 else { return outputGradient }
        return try LayerError.wrapping(kind) { try adaptiveAvgPool2dBackward(outputGradient, inputShape: shape) }
    }

    /// The input shape of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedShape.map(TrainingCache.init) }
        set { cachedShape = newValue?.contents(as: Shape.self) }
    }

    /// The adaptive pool's cost (the identity, free, when ρ = 1).
    /// - Throws: `LayerError` for a wrong rank or an empty plane.
    public func cost(for input: Shape) throws -> LayerCost {
        guard scale < 1 else {
            _ = try LayerValidation.image(input, in: kind)
            _ = try CostArithmetic(kind: kind, input: input)
            return LayerCost(kind: kind, input: input, output: input, activationBytes: 0)
        }
        var row = try pool(for: input).cost(for: input)
        row.kind = kind
        return row
    }

    /// `AreaResample(scale: 0.75)`.
    public var description: String { "AreaResample(scale: \(scale))" }
}
