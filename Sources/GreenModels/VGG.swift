/// VGG (Simonyan and Zisserman 2015), configurations A, B, D and E (vgg11, 13, 16, 19) on
/// 3x224x224 with torchvision's layout: `features` (convs 3x3 pad 1 + ReLU, max pools),
/// `avgpool` (adaptive to 7x7), `flatten`, `classifier` (Linear 25088→4096→4096→1000 with
/// ReLU and dropout 0.5). vgg16: 138,357,544 parameters, 15,470,264,320 conv and linear MACs.
/// Parameter names match torchvision's ("features.0.weight", "classifier.6.bias").
///
/// `vgg16-cifar`: configuration D's 13 convs on 3x32x32, then Linear 512→512, ReLU,
/// Linear 512→10 (14,982,474 parameters), numbered like its PyTorch `nn.Sequential` twin.
public enum VGG {
    /// The four published configurations.
    public enum Configuration: String, Sendable, CaseIterable {
        /// 11 weight layers.
        case a
        /// 13 weight layers.
        case b
        /// 16 weight layers.
        case d
        /// 19 weight layers.
        case e

        /// Channels of each conv, 0 for a max pool (Table 1 of the paper).
        var channels: [Int] {
            switch self {
            case .a: [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
            case .b: [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
            case .d: [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]
            case .e: [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0]
            }
        }

        var plan: [NetworkBuilder.Feature] {
            channels.map { $0 == 0 ? .pool(size: 2) : .conv(channels: $0, kernel: 3, padding: 1) }
        }
    }

    /// The ImageNet network for `configuration`, or one of its variants.
    /// - Throws: `LayerError` if a block cannot be built.
    public static func make(
        _ configuration: Configuration, variant: Variant? = nil, using generator: inout SeededGenerator
    ) throws -> Sequential {
        try build(configuration, NetworkBuilder(variant: variant, input: (3, 224)), using: &generator)
    }

    /// The ImageNet network shrunk with MobileNet's multipliers: every hidden layer's width
    /// times `width`, the 224x224 input area-resampled by `resolution` first (the adaptive
    /// pool before the classifier keeps its 7x7 input).
    /// - Throws: `LayerError` when a multiplier is outside (0, 1].
    public static func shrunk(
        _ configuration: Configuration, width: Float, resolution: Float = 1, using generator: inout SeededGenerator
    ) throws -> Sequential {
        try build(
            configuration, NetworkBuilder(variant: nil, input: (3, 224), width: width, resolution: resolution),
            using: &generator)
    }

    private static func build(
        _ configuration: Configuration, _ builder: NetworkBuilder, using generator: inout SeededGenerator
    ) throws -> Sequential {
        try builder.validate(for: "VGG")
        let features = try builder.features(configuration.plan, using: &generator)
        let pooled = try builder.outputShape(of: features)
        let head = try builder.classifier(
            inputFeatures: pooled[1] * 7 * 7, widths: [4096, 4096, 1000], dropout: 0.5, using: &generator)
        let parts =
            try builder.resampling() + [
                NamedLayer("features", features), NamedLayer("avgpool", try AdaptiveAvgPool2d(outputSize: 7)),
                NamedLayer("flatten", Flatten()), NamedLayer("classifier", try Sequential(head)),
            ]
        return try Sequential(named: parts)
    }

    /// VGG-16's convs on 3x32x32 CIFAR images with a 512→512→10 classifier, or a variant.
    /// - Throws: `LayerError` if a block cannot be built.
    public static func makeCIFAR(variant: Variant? = nil, using generator: inout SeededGenerator) throws -> Sequential {
        try buildCIFAR(NetworkBuilder(variant: variant, input: (3, 32)), using: &generator)
    }

    /// VGG-16-CIFAR shrunk with MobileNet's multipliers (`width` on every hidden layer,
    /// `resolution` on the 32x32 input).
    /// - Throws: `LayerError` when a multiplier is outside (0, 1] or the plane becomes too small.
    public static func shrunkCIFAR(
        width: Float, resolution: Float = 1, using generator: inout SeededGenerator
    ) throws
        -> Sequential
    {
        try buildCIFAR(
            NetworkBuilder(variant: nil, input: (3, 32), width: width, resolution: resolution), using: &generator)
    }

    private static func buildCIFAR(
        _ builder: NetworkBuilder, using generator: inout SeededGenerator
    ) throws -> Sequential {
        try builder.validate(for: "VGG")
        let features = try builder.features(Configuration.d.plan, using: &generator)
        let shape = try builder.outputShape(of: features)
        let head = try builder.classifier(
            inputFeatures: shape.elementCount, widths: [512, 10], dropout: nil, using: &generator)
        let body: [any Layer] = [features, Flatten()] + head
        let resample = try builder.resampling()
        return try resample.isEmpty
            ? Sequential(body) : Sequential(named: resample + [NamedLayer("body", try Sequential(body))])
    }
}
