/// Adaptive average pooling to a fixed output size (PyTorch's `AdaptiveAvgPool2d`, and
/// "area" resampling): output cell (i, j) averages input rows `⌊i·H/H'⌋ ..< ⌈(i+1)·H/H'⌉`
/// and the matching columns. VGG uses it before its classifier; `ShrinkedConv2d` uses it to
/// downsample.
///
/// - Input: `[N, C, H, W]` → Output: `[N, C, H', W']`.
/// - FLOPs: one per input cell of each window (adds plus the divide), summed exactly.
public final class AdaptiveAvgPool2d: Layer {
    /// The output plane size.
    public let outputSize: Size2D
    /// Training mode (no effect).
    public var isTraining = false

    /// Creates an adaptive average pool to `outputSize`.
    /// - Throws: `LayerError` when a side is below 1.
    public init(outputSize: Size2D) throws {
        try LayerValidation.positive(outputSize, "outputSize", in: "AdaptiveAvgPool2d")
        self.outputSize = outputSize
    }

    /// `[N, C, H, W]` → `[N, C, H', W']`.
    /// - Throws: `LayerError` for a wrong rank or an empty plane.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        return try LayerError.wrapping(kind) { try adaptiveAvgPool2d(input, outputSize: outputSize) }
    }

    /// The cells each output window reads, summed over the output plane, times N·C.
    /// - Throws: `LayerError` for a wrong rank or an empty plane.
    public func cost(for input: Shape) throws -> LayerCost {
        let image = try LayerValidation.image(input, in: kind)
        guard image.height >= 1, image.width >= 1 else {
            throw LayerError.inputShape(kind, expected: "[N, C, H, W] with H, W >= 1", actual: input)
        }
        func windowTotal(_ input: Int, _ output: Int) -> Int {
            (0..<output).reduce(0) { $0 + ((($1 + 1) * input + output - 1) / output - $1 * input / output) }
        }
        let cellsPerPlane = windowTotal(image.height, outputSize.height) * windowTotal(image.width, outputSize.width)
        return LayerCost(
            kind: kind, input: input, output: [image.batch, image.channels, outputSize.height, outputSize.width],
            flops: image.batch * image.channels * cellsPerPlane)
    }

    /// `AdaptiveAvgPool2d(outputSize: 7)`.
    public var description: String { "AdaptiveAvgPool2d(outputSize: \(outputSize))" }
}
