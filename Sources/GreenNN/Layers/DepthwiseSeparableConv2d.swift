/// Depthwise-separable convolution (MobileNet, Howard et al. 2017): a k x k depthwise conv
/// (one filter per channel), optionally BatchNorm + activation, then a 1x1 pointwise conv
/// across channels, optionally BatchNorm + activation.
///
/// - Input: `[N, C, H, W]` → Output: `[N, O, H', W']`, H' as for a k x k conv.
/// - Children: `depthwise` (`DepthwiseConv2d`), `depthwiseNorm`, `depthwiseActivation`,
///   `pointwise` (`Conv2d` 1x1), `pointwiseNorm`, `pointwiseActivation` (the optional ones
///   only when asked for). With BatchNorm the convs have no bias, as in MobileNet.
/// - MACs: `N·H'·W'·(k²·C + C·O)` against `N·H'·W'·k²·C·O` for the standard conv, a ratio of
///   `1/O + 1/k²`.
///
/// ```swift
/// let block = try DepthwiseSeparableConv2d(32, 64, kernelSize: 3, padding: 1, batchNorm: true, activation: .relu)
/// ```
public final class DepthwiseSeparableConv2d: ChainedLayer {
    /// Input channels C.
    public let inputChannels: Int
    /// Output channels O.
    public let outputChannels: Int
    /// The depthwise stage.
    public let depthwise: DepthwiseConv2d
    /// The pointwise stage.
    public let pointwise: Conv2d
    /// Whether BatchNorm follows each conv.
    public let batchNorm: Bool
    /// The activation after each stage, if any.
    public let activation: Activation?
    /// Training mode; `train()` / `eval()` set it on the children too.
    public var isTraining = false
    /// The stages, in execution order.
    public let children: [NamedLayer]

    /// Creates the block with PyTorch's default initialisation drawn from `generator`.
    /// - Parameters:
    ///   - inputChannels: C.
    ///   - outputChannels: O.
    ///   - kernelSize: the depthwise kernel.
    ///   - stride: the depthwise stride.
    ///   - padding: the depthwise padding.
    ///   - dilation: the depthwise dilation.
    ///   - batchNorm: add BatchNorm after each conv (and drop the conv biases).
    ///   - activation: add this activation after each stage, or nil for none.
    ///   - generator: the source of the initial weights.
    /// - Throws: `LayerError` for an invalid size, stride or padding.
    public convenience init(
        _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2D = 3, stride: Size2D = 1, padding: Size2D = 1,
        dilation: Size2D = 1, batchNorm: Bool = false, activation: Activation? = nil,
        using generator: inout SeededGenerator
    ) throws {
        try LayerValidation.positive(inputChannels, "inputChannels", in: "DepthwiseSeparableConv2d")
        try LayerValidation.positive(outputChannels, "outputChannels", in: "DepthwiseSeparableConv2d")
        let depthwise = try DepthwiseConv2d(
            inputChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
            bias: !batchNorm, using: &generator)
        let pointwise = try Conv2d(inputChannels, outputChannels, kernelSize: 1, bias: !batchNorm, using: &generator)
        try self.init(
            depthwise: depthwise, pointwise: pointwise,
            norms: batchNorm ? (try BatchNorm2d(inputChannels), try BatchNorm2d(outputChannels)) : nil,
            activation: activation)
    }

    /// Creates the block from given stages (an ONNX importer or a weight loader builds them).
    /// - Parameters:
    ///   - depthwise: the k x k depthwise conv on C channels.
    ///   - pointwise: a 1x1 conv C → O of stride 1, ungrouped, unpadded.
    ///   - norms: the BatchNorms after the depthwise (C) and the pointwise (O) stage, or nil.
    ///   - activation: the activation after each stage, or nil.
    /// - Throws: `LayerError` when the pointwise conv is not 1x1 or the channels do not chain.
    public init(
        depthwise: DepthwiseConv2d, pointwise: Conv2d, norms: (depthwise: BatchNorm2d, pointwise: BatchNorm2d)?,
        activation: Activation?
    ) throws {
        guard pointwise.isPointwise, pointwise.stride == Size2D(1), pointwise.padding == Size2D(0),
            pointwise.inputChannels == depthwise.channels
        else {
            throw LayerError.invalidConfiguration(
                "DepthwiseSeparableConv2d",
                "the pointwise stage must be a 1x1 conv of stride 1 on the depthwise stage's \(depthwise.channels) "
                    + "channels, got \(pointwise)")
        }
        if let norms,
            norms.depthwise.channels != depthwise.channels || norms.pointwise.channels != pointwise.outputChannels
        {
            throw LayerError.invalidConfiguration(
                "DepthwiseSeparableConv2d",
                "the BatchNorms must have \(depthwise.channels) and \(pointwise.outputChannels) channels, got "
                    + "\(norms.depthwise.channels) and \(norms.pointwise.channels)")
        }
        self.inputChannels = depthwise.channels
        self.outputChannels = pointwise.outputChannels
        self.depthwise = depthwise
        self.pointwise = pointwise
        self.batchNorm = norms != nil
        self.activation = activation
        var children = [NamedLayer("depthwise", depthwise)]
        if let norms { children.append(NamedLayer("depthwiseNorm", norms.depthwise)) }
        if let activation { children.append(NamedLayer("depthwiseActivation", activation.makeLayer())) }
        children.append(NamedLayer("pointwise", pointwise))
        if let norms { children.append(NamedLayer("pointwiseNorm", norms.pointwise)) }
        if let activation { children.append(NamedLayer("pointwiseActivation", activation.makeLayer())) }
        self.children = children
    }

    /// Creates the block with weights from a system-seeded generator.
    /// - Throws: `LayerError` for an invalid configuration.
    public convenience init(
        _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2D = 3, stride: Size2D = 1, padding: Size2D = 1,
        dilation: Size2D = 1, batchNorm: Bool = false, activation: Activation? = nil
    ) throws {
        var generator = DefaultInitialisation.systemSeeded()
        try self.init(
            inputChannels, outputChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
            batchNorm: batchNorm, activation: activation, using: &generator)
    }

    /// `DepthwiseSeparableConv2d(32, 64, stride: 2, batchNorm: true, activation: .relu)`: only
    /// non-default arguments (kernel 3, stride 1, padding 1, dilation 1, no BN, no activation).
    public var description: String {
        var parts = ["\(inputChannels)", "\(outputChannels)"]
        if depthwise.kernelSize != 3 { parts.append("kernelSize: \(depthwise.kernelSize)") }
        if depthwise.stride != 1 { parts.append("stride: \(depthwise.stride)") }
        if depthwise.padding != 1 { parts.append("padding: \(depthwise.padding)") }
        if depthwise.dilation != 1 { parts.append("dilation: \(depthwise.dilation)") }
        if batchNorm { parts.append("batchNorm: true") }
        if let activation { parts.append("activation: .\(activation.rawValue)") }
        return "DepthwiseSeparableConv2d(" + parts.joined(separator: ", ") + ")"
    }
}
