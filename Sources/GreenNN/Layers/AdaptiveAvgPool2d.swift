/// Adaptive average pooling to a fixed output size (PyTorch's `AdaptiveAvgPool2d`, and
/// "area" resampling): output cell (i, j) averages input rows `⌊i·H/H'⌋ ..< ⌈(i+1)·H/H'⌉`
/// and the matching columns. VGG uses it before its classifier; `ShrinkedConv2d` uses it to
/// downsample.
///
/// - Input: `[N, C, H, W]` → Output: `[N, C, H', W']`.
/// - FLOPs: one per input cell of each window (adds plus the divide), summed exactly; backward
///   the same count (a divide per output, an add per window cell).
public final class AdaptiveAvgPool2d: Layer {
    /// The output plane size.
    public let outputSize: Size2D
    /// Training mode: forward keeps its input shape for `backward(_:)`.
    public var isTraining = false
    private var cachedShape: Shape?

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
        let output = try LayerError.wrapping(kind) { try adaptiveAvgPool2d(input, outputSize: outputSize) }
        cachedShape = isTraining ? input.shape : nil
        return output
    }

    /// Each output gradient spread evenly over its window (`adaptiveAvgPool2dBackward`).
    /// - Parameter outputGradient: `[N, C, H', W']`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let shape = try LayerValidation.takeCache(&cachedShape, in: kind)
        let expected = try cost(for: shape).output
        guard outputGradient.shape == expected else {
            throw LayerError(
                kind: kind, reason: .invalidInput("output gradient must be \(expected), got \(outputGradient.shape)"))
        }
        return try LayerError.wrapping(kind) { try adaptiveAvgPool2dBackward(outputGradient, inputShape: shape) }
    }

    /// The input shape of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedShape.map(TrainingCache.init) }
        set { cachedShape = newValue?.contents(as: Shape.self) }
    }

    /// The cells each output window reads, summed over the output plane, times N·C; the same backward.
    /// - Throws: `LayerError` for a wrong rank or an empty plane.
    public func cost(for input: Shape) throws -> LayerCost {
        let image = try LayerValidation.image(input, in: kind)
        guard image.height >= 1, image.width >= 1 else {
            throw LayerError.inputShape(kind, expected: "[N, C, H, W] with H, W >= 1", actual: input)
        }
        let arithmetic = try CostArithmetic(kind: kind, input: input)
        // The cells all `output` windows read along an axis of `input` cells: window `i` spans
        // [⌊i·input/output⌋, ⌈(i+1)·input/output⌉).
        func windowTotal(_ input: Int, _ output: Int) throws -> Int {
            let sizes = try (0..<output).map { cell in
                let end = try arithmetic.scaled("pooled cell count", cell + 1, input, plus: output - 1) / output
                let start = try arithmetic.product("pooled cell count", cell, input) / output
                return end - start
            }
            return try arithmetic.sum("pooled cell count", of: sizes)
        }
        let rows = try windowTotal(image.height, outputSize.height)
        let columns = try windowTotal(image.width, outputSize.width)
        let cellsPerPlane = try arithmetic.product("pooled cell count", rows, columns)
        let flops = try arithmetic.product("FLOP count", image.batch, image.channels, cellsPerPlane)
        _ = try arithmetic.outputElementCount([image.batch, image.channels, outputSize.height, outputSize.width])
        return LayerCost(
            kind: kind, input: input, output: [image.batch, image.channels, outputSize.height, outputSize.width],
            flops: flops, backwardFLOPs: flops)
    }

    /// `AdaptiveAvgPool2d(outputSize: 7)`.
    public var description: String { "AdaptiveAvgPool2d(outputSize: \(outputSize))" }
}

extension AdaptiveAvgPool2d: InferencePlanning {
    /// Nothing when the plane already has the output size (VGG's 7x7 pool at 224x224), an
    /// average pool when the output size divides the plane evenly, else the layer as it is.
    /// - Throws: `LayerError` as `forward` would.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        let output = try cost(for: input.shape).output
        let (height, width) = (input.shape[2], input.shape[3])
        if output == input.shape { return input }
        guard height % outputSize.height == 0, width % outputSize.width == 0 else {
            return try builder.opaque(self, input: input)
        }
        let window = Size2D(height: height / outputSize.height, width: width / outputSize.width)
        return try builder.averagePool(input, kernelSize: window, stride: window)
    }
}
