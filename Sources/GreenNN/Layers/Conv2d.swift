/// 2-D convolution (cross-correlation, as in PyTorch), by im2col + GEMM, with a fast path
/// that skips im2col for 1x1, stride-1, unpadded convs.
///
/// `y[n, o] = bias[o] + Σ_c Σ_(ky,kx) weight[o, c, ky, kx] · x[n, g·C/groups + c, y'·s + ky·d − p, x'·s + kx·d − p]`
///
/// - Input: `[N, C, H, W]` → Output: `[N, O, H', W']`,
///   `H' = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1` (same for W).
/// - Parameters: `weight [O, C/groups, kH, kW]` (PyTorch's OIHW) and `bias [O]`, both
///   initialised U(−1/√fanIn, 1/√fanIn) with fanIn = C/groups·kH·kW, as PyTorch does.
/// - MACs: `N·O·H'·W'·(C/groups)·kH·kW`; backward twice that (weight-gradient and
///   input-gradient GEMMs).
///
/// ```swift
/// let conv = try Conv2d(3, 64, kernelSize: 3, padding: 1)
/// let y = try conv(x)    // [N, 3, 32, 32] -> [N, 64, 32, 32]
/// ```
public final class Conv2d: Layer, EpilogueFusing {
    // MARK: Configuration

    /// Input channels C.
    public let inputChannels: Int
    /// Output channels O.
    public let outputChannels: Int
    /// Kernel size kH x kW.
    public let kernelSize: Size2D
    /// Stride per axis.
    public let stride: Size2D
    /// Zero padding per side.
    public let padding: Size2D
    /// Spacing between kernel taps.
    public let dilation: Size2D
    /// Channel groups (C and O must be divisible by it).
    public let groups: Int

    // MARK: Parameters

    /// `[O, C/groups, kH, kW]`.
    public let weight: Parameter
    /// `[O]`, or nil for a conv without bias.
    public let bias: Parameter?

    // MARK: State

    /// Training mode: forward keeps its input (and its im2col columns) for `backward(_:)`.
    public var isTraining = false
    private let workspace = Workspace()
    private var cache: Cache?

    /// What a training-mode forward pass keeps: the input, and the im2col columns when
    /// `conv2dKeepingColumns` kept them (the backward pass then skips its im2col).
    private struct Cache {
        let input: Tensor
        let columns: Tensor?
    }

    /// Creates a conv with PyTorch's default initialisation drawn from `generator`.
    /// - Throws: `LayerError` when a size is below 1, padding is negative, or `groups` does
    ///   not divide both channel counts.
    public convenience init(
        _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0,
        dilation: Size2D = 1, groups: Int = 1, bias: Bool = true, using generator: inout SeededGenerator
    ) throws {
        try LayerValidation.positive(inputChannels, "inputChannels", in: "Conv2d")
        try LayerValidation.positive(outputChannels, "outputChannels", in: "Conv2d")
        try LayerValidation.positive(kernelSize, "kernelSize", in: "Conv2d")
        try LayerValidation.positive(groups, "groups", in: "Conv2d")
        guard inputChannels % groups == 0, outputChannels % groups == 0 else {
            throw LayerError.invalidConfiguration(
                "Conv2d",
                "inputChannels (\(inputChannels)) and outputChannels (\(outputChannels)) must be divisible by groups (\(groups))"
            )
        }
        let fanIn = inputChannels / groups * kernelSize.height * kernelSize.width
        try self.init(
            weight: DefaultInitialisation.weight(
                [outputChannels, inputChannels / groups, kernelSize.height, kernelSize.width], fanIn: fanIn,
                using: &generator),
            bias: bias ? DefaultInitialisation.bias(outputChannels, fanIn: fanIn, using: &generator) : nil,
            stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// Creates a conv with weights drawn from a system-seeded generator (pass `using:` for
    /// reproducible weights).
    /// - Throws: `LayerError` for an invalid configuration, as the seeded initialiser.
    public convenience init(
        _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0,
        dilation: Size2D = 1, groups: Int = 1, bias: Bool = true
    ) throws {
        var generator = DefaultInitialisation.systemSeeded()
        try self.init(
            inputChannels, outputChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
            groups: groups, bias: bias, using: &generator)
    }

    /// Creates a conv from given tensors (for tests and weight loaders).
    /// - Parameters:
    ///   - weight: `[O, C/groups, kH, kW]`.
    ///   - bias: `[O]`, or nil.
    ///   - stride: step between windows, per axis.
    ///   - padding: zeros added on each side, per axis.
    ///   - dilation: spacing between kernel taps, per axis.
    ///   - groups: channels split into this many independent groups.
    /// - Throws: `LayerError` for a weight that is not rank 4, a bias that is not `[O]`,
    ///   a stride or dilation below 1, or negative padding.
    public init(
        weight: Tensor, bias: Tensor?, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1, groups: Int = 1
    ) throws {
        guard weight.shape.rank == 4, weight.elementCount > 0 else {
            throw LayerError.invalidConfiguration(
                "Conv2d", "weight must be [O, C/groups, kH, kW] with no empty axis, got \(weight.shape)")
        }
        try LayerValidation.positive(groups, "groups", in: "Conv2d")
        guard weight.shape[0] % groups == 0 else {
            throw LayerError.invalidConfiguration(
                "Conv2d", "outputChannels (\(weight.shape[0])) must be divisible by groups (\(groups))")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw LayerError.invalidConfiguration("Conv2d", "bias must be [\(weight.shape[0])], got \(bias.shape)")
        }
        try LayerValidation.positive(stride, "stride", in: "Conv2d")
        try LayerValidation.positive(dilation, "dilation", in: "Conv2d")
        try LayerValidation.nonNegative(padding, "padding", in: "Conv2d")
        self.inputChannels = weight.shape[1] * groups
        self.outputChannels = weight.shape[0]
        self.kernelSize = Size2D(height: weight.shape[2], width: weight.shape[3])
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.weight = Parameter(weight)
        self.bias = bias.map(Parameter.init)
    }

    /// Whether this is an ungrouped, undilated 1x1 conv: a per-pixel channel-mixing matrix.
    var isPointwise: Bool { kernelSize == Size2D(1) && groups == 1 && dilation == Size2D(1) }

    /// The weight as a matrix `[O, C/groups · kH · kW]`, one row per output channel (the GEMM
    /// operand; for a 1x1 conv, the channel-mixing matrix).
    var weightMatrix: Tensor {
        get throws {
            try LayerError.wrapping(kind) {
                try weight.value.reshaped(to: [outputChannels, weight.value.elementCount / outputChannels])
            }
        }
    }

    /// The window this conv slides over `input`'s plane.
    func geometry(for input: Shape) throws -> WindowGeometry {
        let image = try LayerValidation.image(input, channels: inputChannels, in: kind)
        return try LayerValidation.window(
            (image.height, image.width), kernel: kernelSize, stride: stride, padding: padding, dilation: dilation,
            in: kind)
    }

    /// `[N, C, H, W]` → `[N, O, H', W']`.
    /// - Throws: `LayerError` when the input is not `[N, C, H, W]` or the kernel does not fit.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try geometry(for: input.shape)
        cache = nil
        guard isTraining else {
            return try LayerError.wrapping(kind) {
                try conv2d(
                    input, weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
                    dilation: dilation,
                    groups: groups, workspace: workspace)
            }
        }
        return try trainingForward(input, lower: -.infinity, upper: .infinity)
    }

    /// The training-mode forward pass (input and im2col columns kept for `backward(_:)`), its
    /// output clamped to `lower...upper` on the way out when a following ReLU or ReLU6 is fused
    /// in (`forwardStep`).
    /// - Throws: `LayerError` as `forward(_:)`.
    func trainingForward(_ input: Tensor, lower: Float, upper: Float) throws -> Tensor {
        _ = try geometry(for: input.shape)
        let (output, columns) = try LayerError.wrapping(kind) {
            try conv2dKeepingColumns(
                input, weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation,
                groups: groups, lower: lower, upper: upper, workspace: workspace)
        }
        cache = Cache(input: input, columns: columns)
        return output
    }

    /// Inference forward with a following BatchNorm/activation fused into the output pass.
    func forward(_ input: Tensor, epilogue: Epilogue) throws -> Tensor {
        _ = try geometry(for: input.shape)
        return try LayerError.wrapping(kind) {
            try conv2d(
                input, weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation,
                groups: groups, epilogue: epilogue, workspace: workspace)
        }
    }

    /// The output channels an epilogue covers.
    var fusedChannels: Int { outputChannels }

    /// Bias gradient, then the weight gradient accumulated by GEMM, then the input gradient by
    /// GEMM and col2im (`conv2dBackward`).
    /// - Parameter outputGradient: `[N, O, H', W']`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try backward(outputGradient, computesInputGradient: true)!
    }

    /// Parameter gradients only: the input-gradient GEMM and col2im are skipped.
    /// - Throws: `LayerError` as `backward(_:)`.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        _ = try backward(outputGradient, computesInputGradient: false)
    }

    private func backward(_ outputGradient: Tensor, computesInputGradient: Bool) throws -> Tensor? {
        let cache = try LayerValidation.takeCache(&cache, in: kind)
        return try LayerError.wrapping(kind) {
            let gradients = try conv2dBackward(
                outputGradient, input: cache.input, weight: weight.value, hasBias: bias != nil, stride: stride,
                padding: padding, dilation: dilation, groups: groups, columns: cache.columns,
                computesInputGradient: computesInputGradient, workspace: workspace)
            try gradients.accumulate(into: weight, bias: bias)
            return gradients.input
        }
    }

    /// The cached input and columns of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cache.map(TrainingCache.init) }
        set { cache = newValue?.contents(as: Cache.self) }
    }

    /// `weight`, then `bias`.
    public var directParameters: [NamedParameter] {
        NamedParameter.weightAndBias(weight, bias)
    }
}

extension Conv2d: CostReporting {
    /// MACs `N·O·H'·W'·(C/groups)·kH·kW`; FLOPs `2·MACs + N·O·H'·W'` with bias; backward
    /// MACs `2·MACs`, backward FLOPs `2·(backward MACs) + N·O·H'·W'` with bias.
    /// - Throws: `LayerError` as `forward` would.
    public func cost(for input: Shape) throws -> LayerCost {
        try LayerCost.convolution(
            kind: kind, input: input, outputChannels: outputChannels, geometry: try geometry(for: input),
            inputChannelsPerGroup: inputChannels / groups, hasBias: bias != nil, parameters: parameterCount)
    }
}

extension Conv2d: CustomStringConvertible {
    /// `Conv2d(3, 64, kernelSize: 3, padding: 1)`: only non-default arguments.
    public var description: String {
        var parts = ["\(inputChannels)", "\(outputChannels)", "kernelSize: \(kernelSize)"]
        if stride != 1 { parts.append("stride: \(stride)") }
        if padding != 0 { parts.append("padding: \(padding)") }
        if dilation != 1 { parts.append("dilation: \(dilation)") }
        if groups != 1 { parts.append("groups: \(groups)") }
        if bias == nil { parts.append("bias: false") }
        return "Conv2d(" + parts.joined(separator: ", ") + ")"
    }
}

extension Conv2d: InferencePlanning {
    /// One convolution step; a following BatchNorm and activation fold into it.
    /// - Throws: `LayerError` as `forward` would.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        _ = try geometry(for: input.shape)
        return try builder.convolution(
            input, weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation,
            groups: groups)
    }
}
