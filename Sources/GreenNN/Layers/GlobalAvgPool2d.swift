/// Global average pooling: the mean of each channel plane (PyTorch's `AdaptiveAvgPool2d(1)`).
///
/// - Input: `[N, C, H, W]` → Output: `[N, C, 1, 1]`.
/// - FLOPs: `N·C·H·W` (H·W − 1 adds and a divide per channel); 0 MACs.
public final class GlobalAvgPool2d: Layer {
    /// Training mode (no effect).
    public var isTraining = false

    /// Creates a global average pool.
    public init() {}

    /// `[N, C, H, W]` → `[N, C, 1, 1]`.
    /// - Throws: `LayerError` for a wrong rank or an empty plane.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        return try LayerError.wrapping(kind) { try globalAvgPool2d(input) }
    }

    /// FLOPs `N·C·H·W`.
    /// - Throws: `LayerError` for a wrong rank or an empty plane.
    public func cost(for input: Shape) throws -> LayerCost {
        let image = try LayerValidation.image(input, in: kind)
        guard image.height >= 1, image.width >= 1 else {
            throw LayerError.inputShape(kind, expected: "[N, C, H, W] with H, W >= 1", actual: input)
        }
        return LayerCost(
            kind: kind, input: input, output: [image.batch, image.channels, 1, 1], flops: input.elementCount)
    }

    /// `GlobalAvgPool2d()`.
    public var description: String { "GlobalAvgPool2d()" }
}
