/// Average pooling over each channel plane.
///
/// - Input: `[N, C, H, W]` → Output: `[N, C, H', W']`.
/// - FLOPs: `N·C·H'·W'·kH·kW` (kH·kW − 1 adds and a divide per output); 0 MACs. Backward:
///   `N·C·H'·W'·(kH·kW + 1)` (a divide per output and an add per window cell).
public final class AvgPool2d: Layer {
    /// Window size.
    public let kernelSize: Size2D
    /// Step between windows (defaults to the window size).
    public let stride: Size2D
    /// Zeros on each side (at most half the window).
    public let padding: Size2D
    /// Divide by the full window including padding (PyTorch's default) or by the cells inside.
    public let countIncludesPadding: Bool
    /// Round the output size up instead of down.
    public let ceilMode: Bool
    /// Training mode: forward keeps its input shape for `backward(_:)`.
    public var isTraining = false
    private var cachedShape: Shape?

    /// Creates an average pool; `stride` defaults to `kernelSize`.
    /// - Throws: `LayerError` for a size below 1, negative padding or padding above half the window.
    public init(
        kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0, countIncludesPadding: Bool = true,
        ceilMode: Bool = false
    ) throws {
        try LayerValidation.poolingWindow(
            kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding, in: "AvgPool2d")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.countIncludesPadding = countIncludesPadding
        self.ceilMode = ceilMode
    }

    /// `[N, C, H, W]` → `[N, C, H', W']`.
    /// - Throws: `LayerError` for a wrong rank or a window larger than the padded input.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        let output = try LayerError.wrapping(kind) {
            try avgPool2d(
                input, kernelSize: kernelSize, stride: stride, padding: padding,
                countIncludesPadding: countIncludesPadding, ceilMode: ceilMode)
        }
        cachedShape = isTraining ? input.shape : nil
        return output
    }

    /// Each output gradient spread evenly over its window (`avgPool2dBackward`).
    /// - Parameter outputGradient: `[N, C, H', W']`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let shape = try LayerValidation.takeCache(&cachedShape, in: kind)
        return try LayerError.wrapping(kind) {
            try avgPool2dBackward(
                outputGradient, inputShape: shape, kernelSize: kernelSize, stride: stride, padding: padding,
                countIncludesPadding: countIncludesPadding, ceilMode: ceilMode)
        }
    }

    /// The input shape of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedShape.map(TrainingCache.init) }
        set { cachedShape = newValue?.contents(as: Shape.self) }
    }

    /// FLOPs `N·C·H'·W'·kH·kW`; backward `N·C·H'·W'·(kH·kW + 1)`.
    /// - Throws: `LayerError` as `forward` would.
    public func cost(for input: Shape) throws -> LayerCost {
        let image = try LayerValidation.image(input, in: kind)
        let geometry = try LayerValidation.window(
            (image.height, image.width), kernel: kernelSize, stride: stride, padding: padding, dilation: 1,
            ceilMode: ceilMode, in: kind)
        let output: Shape = [image.batch, image.channels, geometry.output.height, geometry.output.width]
        return try LayerCost.elementwise(
            kind: kind, input: input, output: output, flopsPerElement: geometry.taps,
            backwardFlopsPerElement: geometry.taps + 1)
    }

    /// `AvgPool2d(kernelSize: 2)`: only non-default arguments.
    public var description: String {
        var parts = ["kernelSize: \(kernelSize)"]
        if stride != kernelSize { parts.append("stride: \(stride)") }
        if padding != 0 { parts.append("padding: \(padding)") }
        if !countIncludesPadding { parts.append("countIncludesPadding: false") }
        if ceilMode { parts.append("ceilMode: true") }
        return "AvgPool2d(" + parts.joined(separator: ", ") + ")"
    }
}

extension AvgPool2d: InferencePlanning {
    /// One pooling step between arena buffers.
    /// - Throws: `LayerError` as `forward` would.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        _ = try cost(for: input.shape)
        return try builder.averagePool(
            input, kernelSize: kernelSize, stride: stride, padding: padding,
            countIncludesPadding: countIncludesPadding, ceilMode: ceilMode)
    }
}
