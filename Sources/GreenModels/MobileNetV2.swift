/// MobileNet v2 (Sandler et al. 2018), width 1.0, 224x224 input, with torchvision's layout
/// and names: `features.0` a 3x3 stride-2 conv to 32 channels with BatchNorm and ReLU6,
/// `features.1` … `features.17` inverted residual blocks (`Residual.invertedResidual`),
/// `features.18` a 1x1 conv to 1280 channels with BatchNorm and ReLU6, global average pooling,
/// and `classifier` (dropout 0.2, a 1280→1000 linear layer). 3,504,872 parameters;
/// 300,774,272 conv and linear MACs per image.
///
/// One variant, `-shrinked`: torchvision's `width_mult` 0.5 (every width halved and rounded to
/// a multiple of 8 as torchvision rounds it; the last conv keeps 1280) and the image
/// area-resampled to 168x168 first. Docs/Models.md says why the others do not apply.
public enum MobileNetV2 {
    /// (expansion t, output channels c, repeats n, first stride s) of each stage, as in the paper.
    static let stages: [(Int, Int, Int, Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    /// The variants MobileNetV2 has.
    public static let variants: [Variant] = [.shrinked]

    /// Builds the network with weights drawn from `generator`.
    /// - Throws: `LayerError` if a block cannot be built.
    public static func make(using generator: inout SeededGenerator) throws -> Sequential {
        try make(variant: nil, using: &generator)
    }

    /// Builds the network or one of its `variants` with weights drawn from `generator`.
    /// - Throws: `LayerError` for a variant it does not have, or if a block cannot be built.
    public static func make(variant: Variant?, using generator: inout SeededGenerator) throws -> Sequential {
        try Variant.check(variant, among: variants, for: "MobileNetV2")
        let builder = NetworkBuilder(variant: variant, input: (3, 224))
        func width(_ channels: Int) -> Int { divisible(Float(channels) * builder.width) }
        let stem = width(32)
        var features: [any Layer] = [
            try Sequential([
                try Conv2d(3, stem, kernelSize: 3, stride: 2, padding: 1, bias: false, using: &generator),
                try BatchNorm2d(stem), ReLU6(),
            ])
        ]
        var channels = stem
        for (expansion, output, repeats, stride) in stages {
            for index in 0..<repeats {
                features.append(
                    try Residual.invertedResidual(
                        channels, width(output), stride: index == 0 ? stride : 1, expansion: expansion,
                        using: &generator))
                channels = width(output)
            }
        }
        let last = divisible(1280 * Swift.max(1, builder.width))
        features.append(
            try Sequential([
                try Conv2d(channels, last, kernelSize: 1, bias: false, using: &generator), try BatchNorm2d(last),
                ReLU6(),
            ]))
        return try Sequential(
            named: try builder.resampling() + [
                NamedLayer("features", try Sequential(features)), NamedLayer("avgpool", GlobalAvgPool2d()),
                NamedLayer("flatten", Flatten()),
                NamedLayer(
                    "classifier",
                    try Sequential([try Dropout(probability: 0.2), try Linear(last, 1000, using: &generator)])),
            ])
    }

    /// torchvision's `_make_divisible(value, 8)`: the nearest multiple of 8, at least 8, and
    /// never more than 10% below `value`.
    static func divisible(_ value: Float) -> Int {
        var rounded = Swift.max(8, Int(value + 4) / 8 * 8)
        if Float(rounded) < 0.9 * value { rounded += 8 }
        return rounded
    }
}
