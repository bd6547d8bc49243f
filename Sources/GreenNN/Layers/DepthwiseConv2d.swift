/// Depthwise 2-D convolution: each channel convolved with its own kH x kW filter, on a
/// dedicated direct kernel (no im2col; weights in registers, vectorised along the row).
/// Rectangular kernels give the per-channel 1-D convolutions of a flattened conv.
///
/// - Input: `[N, C, H, W]` → Output: `[N, C, H', W']`, sizes as for `Conv2d`.
/// - Parameters: `weight [C, 1, kH, kW]` (PyTorch's layout for `groups: C`), `bias [C]`;
///   U(−1/√(kH·kW), 1/√(kH·kW)).
/// - MACs: `N·C·H'·W'·kH·kW`; backward twice that (weight and input gradients, both on direct
///   kernels).
public final class DepthwiseConv2d: Layer, EpilogueFusing {
    // MARK: Configuration

    /// Channels C (in and out).
    public let channels: Int
    /// Kernel size kH x kW.
    public let kernelSize: Size2D
    /// Stride per axis.
    public let stride: Size2D
    /// Zero padding per side.
    public let padding: Size2D
    /// Spacing between kernel taps.
    public let dilation: Size2D

    // MARK: Parameters

    /// `[C, 1, kH, kW]`.
    public let weight: Parameter
    /// `[C]`, or nil.
    public let bias: Parameter?

    // MARK: State

    /// Training mode: forward keeps its input for `backward(_:)`.
    public var isTraining = false
    private let workspace = Workspace()
    private var cachedInput: Tensor?

    /// Creates a depthwise conv with PyTorch's default initialisation drawn from `generator`.
    /// - Throws: `LayerError` when a size is below 1 or padding is negative.
    public convenience init(
        _ channels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1,
        bias: Bool = true, using generator: inout SeededGenerator
    ) throws {
        try LayerValidation.positive(channels, "channels", in: "DepthwiseConv2d")
        try LayerValidation.positive(kernelSize, "kernelSize", in: "DepthwiseConv2d")
        let fanIn = kernelSize.height * kernelSize.width
        try self.init(
            weight: DefaultInitialisation.weight(
                [channels, 1, kernelSize.height, kernelSize.width], fanIn: fanIn, using: &generator),
            bias: bias ? DefaultInitialisation.bias(channels, fanIn: fanIn, using: &generator) : nil,
            stride: stride, padding: padding, dilation: dilation)
    }

    /// Creates a depthwise conv with weights from a system-seeded generator.
    /// - Throws: `LayerError` for an invalid configuration.
    public convenience init(
        _ channels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1,
        bias: Bool = true
    ) throws {
        var generator = DefaultInitialisation.systemSeeded()
        try self.init(
            channels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, bias: bias,
            using: &generator)
    }

    /// Creates a depthwise conv from given tensors: `weight [C, 1, kH, kW]`, `bias [C]` or nil.
    /// - Throws: `LayerError` for mis-shaped tensors, a stride or dilation below 1, or negative padding.
    public init(weight: Tensor, bias: Tensor?, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1) throws {
        guard weight.shape.rank == 4, weight.shape[1] == 1, weight.elementCount > 0 else {
            throw LayerError.invalidConfiguration(
                "DepthwiseConv2d", "weight must be [C, 1, kH, kW] with no empty axis, got \(weight.shape)")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw LayerError.invalidConfiguration(
                "DepthwiseConv2d", "bias must be [\(weight.shape[0])], got \(bias.shape)")
        }
        try LayerValidation.positive(stride, "stride", in: "DepthwiseConv2d")
        try LayerValidation.positive(dilation, "dilation", in: "DepthwiseConv2d")
        try LayerValidation.nonNegative(padding, "padding", in: "DepthwiseConv2d")
        channels = weight.shape[0]
        kernelSize = Size2D(height: weight.shape[2], width: weight.shape[3])
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.weight = Parameter(weight)
        self.bias = bias.map(Parameter.init)
    }

    /// The window this conv slides over `input`'s plane.
    func geometry(for input: Shape) throws -> WindowGeometry {
        let image = try LayerValidation.image(input, channels: channels, in: kind)
        return try LayerValidation.window(
            (image.height, image.width), kernel: kernelSize, stride: stride, padding: padding, dilation: dilation,
            in: kind)
    }

    /// `[N, C, H, W]` → `[N, C, H', W']`.
    /// - Throws: `LayerError` when the input is not `[N, C, H, W]` or the kernel does not fit.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try geometry(for: input.shape)
        let output = try LayerError.wrapping(kind) {
            try depthwiseConv2d(
                input, weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation,
                workspace: workspace)
        }
        cachedInput = isTraining ? input : nil
        return output
    }

    /// Inference forward with a following BatchNorm/activation fused into each plane's pass.
    func forward(_ input: Tensor, epilogue: Epilogue) throws -> Tensor {
        _ = try geometry(for: input.shape)
        return try LayerError.wrapping(kind) {
            try depthwiseConv2d(
                input, weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation,
                epilogue: epilogue, workspace: workspace)
        }
    }

    /// The channels an epilogue covers.
    var fusedChannels: Int { channels }

    /// Bias, weight and input gradients on the direct depthwise kernels (`depthwiseConv2dBackward`).
    /// - Parameter outputGradient: `[N, C, H', W']`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try backward(outputGradient, computesInputGradient: true)!
    }

    /// Parameter gradients only: the input gradient is skipped.
    /// - Throws: `LayerError` as `backward(_:)`.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        _ = try backward(outputGradient, computesInputGradient: false)
    }

    private func backward(_ outputGradient: Tensor, computesInputGradient: Bool) throws -> Tensor? {
        let input = try LayerValidation.takeCache(&cachedInput, in: kind)
        return try LayerError.wrapping(kind) {
            let gradients = try depthwiseConv2dBackward(
                outputGradient, input: input, weight: weight.value, hasBias: bias != nil, stride: stride,
                padding: padding, dilation: dilation, computesInputGradient: computesInputGradient, workspace: workspace
            )
            try gradients.accumulate(into: weight, bias: bias)
            return gradients.input
        }
    }

    /// The cached input of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedInput.map(TrainingCache.init) }
        set { cachedInput = newValue?.contents(as: Tensor.self) }
    }

    /// `weight`, then `bias`.
    public var directParameters: [NamedParameter] {
        NamedParameter.weightAndBias(weight, bias)
    }
}

extension DepthwiseConv2d: CostReporting {
    /// MACs `N·C·H'·W'·kH·kW`; FLOPs `2·MACs + N·C·H'·W'` with bias; backward MACs `2·MACs`,
    /// backward FLOPs `4·MACs + N·C·H'·W'` with bias.
    /// - Throws: `LayerError` as `forward` would.
    public func cost(for input: Shape) throws -> LayerCost {
        try LayerCost.convolution(
            kind: kind, input: input, outputChannels: channels, geometry: try geometry(for: input),
            inputChannelsPerGroup: 1, hasBias: bias != nil, parameters: parameterCount)
    }
}

extension DepthwiseConv2d: CustomStringConvertible {
    /// `DepthwiseConv2d(32, kernelSize: 3, padding: 1)`: only non-default arguments.
    public var description: String {
        var parts = ["\(channels)", "kernelSize: \(kernelSize)"]
        if stride != 1 { parts.append("stride: \(stride)") }
        if padding != 0 { parts.append("padding: \(padding)") }
        if dilation != 1 { parts.append("dilation: \(dilation)") }
        if bias == nil { parts.append("bias: false") }
        return "DepthwiseConv2d(" + parts.joined(separator: ", ") + ")"
    }
}

extension DepthwiseConv2d: InferencePlanning {
    /// One depthwise step on the direct kernel; a following BatchNorm and activation fold into it.
    /// - Throws: `LayerError` as `forward` would.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        _ = try geometry(for: input.shape)
        return try builder.convolution(
            input, weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation,
            groups: channels)
    }
}
