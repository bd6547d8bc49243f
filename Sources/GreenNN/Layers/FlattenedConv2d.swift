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
    public init(
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
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.hasBias = bias
        lateral = try Conv2d(inputChannels, outputChannels, kernelSize: 1, bias: bias, using: &generator)
        vertical = try DepthwiseConv2d(
            outputChannels, kernelSize: Size2D(height: kernelSize, width: 1), stride: Size2D(height: stride, width: 1),
            padding: Size2D(height: padding, width: 0), bias: bias, using: &generator)
        horizontal = try DepthwiseConv2d(
            outputChannels, kernelSize: Size2D(height: 1, width: kernelSize), stride: Size2D(height: 1, width: stride),
            padding: Size2D(height: 0, width: padding), bias: bias, using: &generator)
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
