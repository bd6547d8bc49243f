/// Flattened convolution (Jin, Dundar and Culurciello 2014): a C → O k x k conv replaced by
/// three 1-D stages: a lateral 1x1 conv across channels (C → O), then a vertical k x 1 and a
/// horizontal 1 x k per-channel conv, both on the depthwise kernel (no im2col).
///
/// - Input: `[N, C, H, W]` → Output: `[N, O, H', W']`, as for the k x k conv it replaces
///   (stride and padding are applied by the vertical stage along H and the horizontal along W).
/// - Children: `lateral` (`Conv2d` 1x1), `vertical` (`DepthwiseConv2d` k x 1),
///   `horizontal` (`DepthwiseConv2d` 1 x k); each has a bias unless `bias: false`.
/// - Parameters: `O·(C + 2k)` plus `3·O` biases (against `O·C·k²` + O).
/// - MACs: `N·O·(H·W·C + H'·W·k + H'·W'·k)`.
/// - In inference, a following BatchNorm and ReLU/ReLU6 fold into the horizontal stage's output
///   pass.
public final class FlattenedConv2d: ChainedLayer, EpilogueFusing {
    /// Input channels C.
    public let inputChannels: Int
    /// Output channels O.
    public let outputChannels: Int
    /// The length k of the two 1-D kernels.
    public let kernelSize: Int
    /// The step of the vertical stage along H and the horizontal stage along W.
    public let stride: Int
    /// Zero padding of the vertical stage along H and the horizontal stage along W.
    public let padding: Int
    /// Whether each stage has a bias.
    public let hasBias: Bool
    /// Training mode; `train()` / `eval()` set it on the children too.
    public var isTraining = false
    /// The lateral 1x1 conv across channels.
    public let lateral: Conv2d
    /// The vertical k x 1 per-channel conv.
    public let vertical: DepthwiseConv2d
    /// The horizontal 1 x k per-channel conv.
    public let horizontal: DepthwiseConv2d

    /// Creates the block with PyTorch's default initialisation drawn from `generator`.
    /// - Throws: `LayerError` for an invalid size, stride or padding.
    public convenience init(
        _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, using generator: inout SeededGenerator
    ) throws {
        try LayerValidation.positive(inputChannels, "inputChannels", in: "FlattenedConv2d")
        try LayerValidation.positive(outputChannels, "outputChannels", in: "FlattenedConv2d")
        try LayerValidation.positive(kernelSize, "kernelSize", in: "FlattenedConv2d")
        try LayerValidation.positive(stride, "stride", in: "FlattenedConv2d")
        guard padding >= 0 else {
            throw LayerError.invalidConfiguration("FlattenedConv2d", "padding must be >= 0, got \(padding)")
        }
        let lateral = try Conv2d(inputChannels, outputChannels, kernelSize: 1, bias: bias, using: &generator)
        let vertical = try DepthwiseConv2d(
            outputChannels, kernelSize: Size2D(height: kernelSize, width: 1), stride: Size2D(height: stride, width: 1),
            padding: Size2D(height: padding, width: 0), bias: bias, using: &generator)
        let horizontal = try DepthwiseConv2d(
            outputChannels, kernelSize: Size2D(height: 1, width: kernelSize), stride: Size2D(height: 1, width: stride),
            padding: Size2D(height: 0, width: padding), bias: bias, using: &generator)
        try self.init(lateral: lateral, vertical: vertical, horizontal: horizontal)
    }

    /// Creates the block from given stages (an ONNX importer or a weight loader builds them):
    /// `lateral` a 1x1 conv C → O of stride 1, ungrouped and unpadded; `vertical` a k x 1
    /// depthwise conv on O channels of stride (s, 1) and padding (p, 0); `horizontal` a 1 x k one
    /// of stride (1, s) and padding (0, p); all three with a bias or none.
    /// - Throws: `LayerError` when a stage has another shape or the stages do not agree.
    public init(lateral: Conv2d, vertical: DepthwiseConv2d, horizontal: DepthwiseConv2d) throws {
        let (k, s, p) = (vertical.kernelSize.height, vertical.stride.height, vertical.padding.height)
        let biases = [lateral.bias != nil, vertical.bias != nil, horizontal.bias != nil]
        guard lateral.isPointwise, lateral.stride == Size2D(1), lateral.padding == Size2D(0),
            vertical.channels == lateral.outputChannels, horizontal.channels == lateral.outputChannels,
            vertical.kernelSize == Size2D(height: k, width: 1), horizontal.kernelSize == Size2D(height: 1, width: k),
            vertical.stride == Size2D(height: s, width: 1), horizontal.stride == Size2D(height: 1, width: s),
            vertical.padding == Size2D(height: p, width: 0), horizontal.padding == Size2D(height: 0, width: p),
            vertical.dilation == Size2D(1), horizontal.dilation == Size2D(1), Set(biases).count == 1
        else {
            throw LayerError.invalidConfiguration(
                "FlattenedConv2d",
                "the stages must be a 1x1 conv, a k x 1 and a 1 x k depthwise conv of one stride and padding, all "
                    + "with a bias or none; got \(lateral), \(vertical), \(horizontal)")
        }
        self.inputChannels = lateral.inputChannels
        self.outputChannels = lateral.outputChannels
        self.kernelSize = k
        self.stride = s
        self.padding = p
        self.hasBias = biases[0]
        self.lateral = lateral
        self.vertical = vertical
        self.horizontal = horizontal
    }

    /// The stages, in execution order: `lateral`, `vertical`, `horizontal`.
    public var children: [NamedLayer] {
        [NamedLayer("lateral", lateral), NamedLayer("vertical", vertical), NamedLayer("horizontal", horizontal)]
    }

    /// Creates the block with weights from a system-seeded generator.
    /// - Throws: `LayerError` for an invalid configuration.
    public convenience init(
        _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true
    ) throws {
        var generator = DefaultInitialisation.systemSeeded()
        try self.init(
            inputChannels, outputChannels, kernelSize: kernelSize, stride: stride, padding: padding, bias: bias,
            using: &generator)
    }

    /// The output channels, which a following BatchNorm normalises.
    var fusedChannels: Int { outputChannels }

    /// The lateral and vertical stages, then the horizontal one with `epilogue` applied as its
    /// output is written.
    func forward(_ input: Tensor, epilogue: Epilogue) throws -> Tensor {
        let inner = try forwardChain([NamedLayer("lateral", lateral), NamedLayer("vertical", vertical)], input)
        return try LayerError.inChild("horizontal", kind: horizontal.kind) {
            try horizontal.forward(inner, epilogue: epilogue)
        }
    }

    /// `FlattenedConv2d(128, 128, kernelSize: 3, padding: 1)`: only non-default arguments.
    public var description: String {
        var parts = ["\(inputChannels)", "\(outputChannels)", "kernelSize: \(kernelSize)"]
        if stride != 1 { parts.append("stride: \(stride)") }
        if padding != 0 { parts.append("padding: \(padding)") }
        if !hasBias { parts.append("bias: false") }
        return "FlattenedConv2d(" + parts.joined(separator: ", ") + ")"
    }
}
