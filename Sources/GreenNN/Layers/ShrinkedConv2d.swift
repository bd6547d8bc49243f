/// A convolution shrunk with MobileNet's two hyper-parameters (Howard et al. 2017, §3.3–3.4):
/// the width multiplier α thins the input and output channels to `max(1, round(α·C))`, and
/// the resolution multiplier ρ area-resamples the feature map to `⌊ρ·H⌋ x ⌊ρ·W⌋` before the
/// convolution, so the cost falls by about α²·ρ². The inner convolution is a standard conv or
/// a depthwise-separable one.
///
/// - Input: `[N, round(α·C), H, W]` → Output: `[N, round(α·O), H'', W'']`, where H'' is the
///   inner conv's output size on the resampled `⌊ρH⌋ x ⌊ρW⌋` plane.
/// - Children: `resample` (`AreaResample`, only when ρ < 1), then `conv`.
/// - MACs: the inner conv's on the thinned channels and resampled plane.
public final class ShrinkedConv2d: ChainedLayer {
    /// Which convolution runs inside the shrunk block.
    public enum Convolution: String, Sendable, CaseIterable {
        /// A standard k x k conv (`Conv2d`).
        case standard
        /// A depthwise-separable conv (`DepthwiseSeparableConv2d`).
        case depthwiseSeparable
    }

    /// The width multiplier α in (0, 1].
    public let width: Float
    /// The resolution multiplier ρ in (0, 1].
    public let resolution: Float
    /// The unshrunk input channels C the block was specified with.
    public let baseInputChannels: Int
    /// The unshrunk output channels O.
    public let baseOutputChannels: Int
    /// The inner conv's kernel size.
    public let kernelSize: Size2D
    /// The inner conv's stride.
    public let stride: Size2D
    /// The inner conv's padding.
    public let padding: Size2D
    /// Input channels after thinning, `max(1, round(α·C))`.
    public let inputChannels: Int
    /// Output channels after thinning, `max(1, round(α·O))`.
    public let outputChannels: Int
    /// The inner convolution's kind.
    public let convolution: Convolution
    /// Training mode; `train()` / `eval()` set it on the children too.
    public var isTraining = false
    /// `resample` (when ρ < 1), then `conv`.
    public let children: [NamedLayer]

    /// The channel count `channels` thins to under width multiplier `width`: `max(1, round(α·C))`.
    public static func thinned(_ channels: Int, width: Float) -> Int {
        Swift.max(1, Int((Float(channels) * width).rounded()))
    }

    /// Creates the block for a base C → O conv.
    /// - Parameters:
    ///   - inputChannels: the base conv's C (the block takes C channels and returns O).
    ///   - outputChannels: the base conv's O.
    ///   - kernelSize: the inner conv's kernel.
    ///   - stride: the inner conv's stride.
    ///   - padding: the inner conv's padding.
    ///   - width: α in (0, 1].
    ///   - resolution: ρ in (0, 1].
    ///   - convolution: the inner conv's kind.
    ///   - batchNorm: BatchNorm after each stage of a depthwise-separable inner conv.
    ///   - activation: the activation after each stage of a depthwise-separable inner conv.
    ///   - generator: the source of the initial weights.
    /// - Throws: `LayerError` when α or ρ is outside (0, 1] or the inner conv is invalid.
    public init(
        _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0,
        width: Float, resolution: Float = 1, convolution: Convolution = .standard, batchNorm: Bool = false,
        activation: Activation? = nil, using generator: inout SeededGenerator
    ) throws {
        try LayerValidation.within(width, "(0, 1]", "width", in: "ShrinkedConv2d") { $0 > 0 && $0 <= 1 }
        try LayerValidation.within(resolution, "(0, 1]", "resolution", in: "ShrinkedConv2d") { $0 > 0 && $0 <= 1 }
        try LayerValidation.positive(inputChannels, "inputChannels", in: "ShrinkedConv2d")
        try LayerValidation.positive(outputChannels, "outputChannels", in: "ShrinkedConv2d")
        self.width = width
        self.resolution = resolution
        self.convolution = convolution
        self.baseInputChannels = inputChannels
        self.baseOutputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.inputChannels = Self.thinned(inputChannels, width: width)
        self.outputChannels = Self.thinned(outputChannels, width: width)
        let conv: any Layer
        switch convolution {
        case .standard:
            conv = try Conv2d(
                self.inputChannels, self.outputChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                using: &generator)
        case .depthwiseSeparable:
            conv = try DepthwiseSeparableConv2d(
                self.inputChannels, self.outputChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                batchNorm: batchNorm, activation: activation, using: &generator)
        }
        children =
            (resolution < 1 ? [NamedLayer("resample", try AreaResample(scale: resolution))] : [])
            + [NamedLayer("conv", conv)]
    }

    /// Creates the block with weights from a system-seeded generator.
    /// - Throws: `LayerError` when α or ρ is outside (0, 1] or the inner conv is invalid.
    public convenience init(
        _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2D, stride: Size2D = 1, padding: Size2D = 0,
        width: Float, resolution: Float = 1, convolution: Convolution = .standard
    ) throws {
        var generator = DefaultInitialisation.systemSeeded()
        try self.init(
            inputChannels, outputChannels, kernelSize: kernelSize, stride: stride, padding: padding, width: width,
            resolution: resolution, convolution: convolution, using: &generator)
    }

    /// The constructor call, `ShrinkedConv2d(128, 128, kernelSize: 3, padding: 1, width: 0.5)`:
    /// base channel counts and only non-default arguments.
    public var description: String {
        var parts = ["\(baseInputChannels)", "\(baseOutputChannels)", "kernelSize: \(kernelSize)"]
        if stride != 1 { parts.append("stride: \(stride)") }
        if padding != 0 { parts.append("padding: \(padding)") }
        parts.append("width: \(width)")
        if resolution != 1 { parts.append("resolution: \(resolution)") }
        if convolution != .standard { parts.append("convolution: .\(convolution.rawValue)") }
        return "ShrinkedConv2d(" + parts.joined(separator: ", ") + ")"
    }
}
