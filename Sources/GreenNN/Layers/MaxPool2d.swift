/// Max pooling over each channel plane (NaN propagates).
///
/// - Input: `[N, C, H, W]` → Output: `[N, C, H', W']`, sizes as for a conv (rounded up
///   with `ceilMode`, as SqueezeNet uses).
/// - FLOPs: `N·C·H'·W'·(kH·kW − 1)` compares; 0 MACs, no parameters. Backward: the window is
///   scanned again on the cached input and the gradient routed to its maximum,
///   `N·C·H'·W'·kH·kW` (the compares and one add per output).
public final class MaxPool2d: Layer {
    /// Window size.
    public let kernelSize: Size2D
    /// Step between windows (defaults to the window size).
    public let stride: Size2D
    /// Ignored cells on each side (at most half the window).
    public let padding: Size2D
    /// Spacing between window taps.
    public let dilation: Size2D
    /// Round the output size up instead of down.
    public let ceilMode: Bool
    /// Training mode: forward keeps its input for `backward(_:)`.
    public var isTraining = false
    private var cachedInput: Tensor?

    /// Creates a max pool; `stride` defaults to `kernelSize`.
    /// - Throws: `LayerError` for a size below 1, negative padding or padding above half the window.
    public init(
        kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0, dilation: Size2D = 1, ceilMode: Bool = false
    ) throws {
        try LayerValidation.poolingWindow(
            kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding, in: "MaxPool2d")
        try LayerValidation.positive(dilation, "dilation", in: "MaxPool2d")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
    }

    /// `[N, C, H, W]` → `[N, C, H', W']`.
    /// - Throws: `LayerError` for a wrong rank or a window larger than the padded input.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        let output = try LayerError.wrapping(kind) {
            try maxPool2d(
                input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
        }
        cachedInput = isTraining ? input : nil
        return output
    }

    /// Each output gradient routed to the input cell that won its window (`maxPool2dBackward`).
    /// - Parameter outputGradient: `[N, C, H', W']`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let input = try LayerValidation.takeCache(&cachedInput, in: kind)
        return try LayerError.wrapping(kind) {
            try maxPool2dBackward(
                outputGradient, input: input, kernelSize: kernelSize, stride: stride, padding: padding,
                dilation: dilation, ceilMode: ceilMode)
        }
    }

    /// `relu.backward(backward(outputGradient))` in one pass, for a max pool whose input is a
    /// ReLU's output (`backwardChain` consumes the ReLU's cache): the gradient reaches the
    /// winning cell only where that cell is positive.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    func backwardThroughReLU(_ outputGradient: Tensor) throws -> Tensor {
        let input = try LayerValidation.takeCache(&cachedInput, in: kind)
        return try LayerError.wrapping(kind) {
            try maxPool2dBackward(
                outputGradient, input: input, kernelSize: kernelSize, stride: stride, padding: padding,
                dilation: dilation, ceilMode: ceilMode, throughReLU: true)
        }
    }

    /// The cached input of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedInput.map(TrainingCache.init) }
        set { cachedInput = newValue?.contents(as: Tensor.self) }
    }

    /// FLOPs `N·C·H'·W'·(kH·kW − 1)`; backward `N·C·H'·W'·kH·kW`.
    /// - Throws: `LayerError` as `forward` would.
    public func cost(for input: Shape) throws -> LayerCost {
        let image = try LayerValidation.image(input, in: kind)
        let geometry = try LayerValidation.window(
            (image.height, image.width), kernel: kernelSize, stride: stride, padding: padding, dilation: dilation,
            ceilMode: ceilMode, in: kind)
        let output: Shape = [image.batch, image.channels, geometry.output.height, geometry.output.width]
        return try LayerCost.elementwise(
            kind: kind, input: input, output: output, flopsPerElement: geometry.taps - 1,
            backwardFlopsPerElement: geometry.taps)
    }

    /// `MaxPool2d(kernelSize: 2)`: only non-default arguments.
    public var description: String {
        var parts = ["kernelSize: \(kernelSize)"]
        if stride != kernelSize { parts.append("stride: \(stride)") }
        if padding != 0 { parts.append("padding: \(padding)") }
        if dilation != 1 { parts.append("dilation: \(dilation)") }
        if ceilMode { parts.append("ceilMode: true") }
        return "MaxPool2d(" + parts.joined(separator: ", ") + ")"
    }
}

extension MaxPool2d: InferencePlanning {
    /// One pooling step between arena buffers.
    /// - Throws: `LayerError` as `forward` would.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        _ = try cost(for: input.shape)
        return try builder.maxPool(
            input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}
