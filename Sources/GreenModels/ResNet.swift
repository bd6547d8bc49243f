/// ResNet-18 (He et al. 2016) with torchvision's layout and names: a 7x7 stride-2 stem conv
/// with BatchNorm and ReLU (`conv1`, `bn1`, `relu`), a 3x3 stride-2 max pool, four stages of
/// two `BasicBlock`s (`layer1` … `layer4`, 64 to 512 channels, the later three opening with a
/// stride-2 block whose shortcut is a projection, `downsample`), global average pooling and a
/// 512→1000 linear layer (`fc`). 11,689,512 parameters; 1,814,073,344 conv and linear MACs per
/// 224x224 image.
///
/// Variants (Docs/Models.md says why the others do not apply): `-ds` and `-flattened` replace
/// every 3x3 conv of the blocks (the stem stays), keeping the BatchNorms after them;
/// `-shrinked` halves every width (the stem's 64 to 32, the stages to 32 … 256) and
/// area-resamples the image to 168x168 first.
public enum ResNet {
    /// The variants ResNet-18 has.
    public static let variants: [Variant] = [.ds, .flattened, .shrinked]

    /// Builds ResNet-18 with weights drawn from `generator`.
    /// - Throws: `LayerError` if a block cannot be built.
    public static func make18(using generator: inout SeededGenerator) throws -> Sequential {
        try make18(variant: nil, using: &generator)
    }

    /// Builds ResNet-18 or one of its `variants` with weights drawn from `generator`.
    /// - Throws: `LayerError` for a variant it does not have, or if a block cannot be built.
    public static func make18(variant: Variant?, using generator: inout SeededGenerator) throws -> Sequential {
        try Variant.check(variant, among: variants, for: "ResNet")
        let builder = NetworkBuilder(variant: variant, input: (3, 224))
        let stem = builder.thinned(64)
        var layers =
            try builder.resampling() + [
                NamedLayer(
                    "conv1", try Conv2d(3, stem, kernelSize: 7, stride: 2, padding: 3, bias: false, using: &generator)),
                NamedLayer("bn1", try BatchNorm2d(stem)), NamedLayer("relu", ReLU()),
                NamedLayer("maxpool", try MaxPool2d(kernelSize: 3, stride: 2, padding: 1)),
            ]
        var channels = stem
        for (index, baseWidth) in [64, 128, 256, 512].enumerated() {
            let width = builder.thinned(baseWidth)
            var blocks: [any Layer] = []
            for (input, stride) in [(channels, index == 0 ? 1 : 2), (width, 1)] {
                blocks.append(
                    try Residual.basicBlock(input, width, stride: stride, using: &generator) {
                        input, output, stride, generator in
                        try convolution(variant, input, output, stride: stride, using: &generator)
                    })
            }
            layers.append(NamedLayer("layer\(index + 1)", try Sequential(blocks)))
            channels = width
        }
        layers += [
            NamedLayer("avgpool", GlobalAvgPool2d()), NamedLayer("flatten", Flatten()),
            NamedLayer("fc", try Linear(channels, 1000, using: &generator)),
        ]
        return try Sequential(named: layers)
    }

    /// One 3x3 conv of a block: plain (bias-free, BatchNorm follows), depthwise-separable or flattened.
    private static func convolution(
        _ variant: Variant?, _ input: Int, _ output: Int, stride: Int, using generator: inout SeededGenerator
    ) throws -> any Layer {
        switch variant {
        case .ds:
            try DepthwiseSeparableConv2d(input, output, stride: Size2D(stride), padding: 1, using: &generator)
        case .flattened:
            try FlattenedConv2d(input, output, kernelSize: 3, stride: stride, padding: 1, using: &generator)
        default:
            try Conv2d(
                input, output, kernelSize: 3, stride: Size2D(stride), padding: 1, bias: false, using: &generator)
        }
    }
}
