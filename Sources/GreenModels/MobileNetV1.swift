/// MobileNet v1 (Howard et al. 2017), width 1.0, 224x224 input, with BatchNorm: a
/// stride-2 3x3 conv to 32 channels, 13 depthwise-separable blocks (each depthwise 3x3 +
/// BN + ReLU, pointwise 1x1 + BN + ReLU), global average pooling and a 1024→1000 linear layer.
/// 4,231,976 parameters (4,210,088 without the 21,888 BatchNorm γ and β);
/// 568,740,352 conv and linear MACs per image (the paper's "569 million mult-adds").
public enum MobileNetV1 {
    /// (input channels, output channels, stride) of the 13 depthwise-separable blocks.
    static let blocks: [(Int, Int, Int)] = [
        (32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2),
        (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 1024, 2), (1024, 1024, 1),
    ]

    /// Builds the network with weights drawn from `generator`.
    /// - Throws: `LayerError` if a block cannot be built.
    public static func make(using generator: inout SeededGenerator) throws -> Sequential {
        var features: [any Layer] = [
            try Sequential([
                try Conv2d(3, 32, kernelSize: 3, stride: 2, padding: 1, bias: false, using: &generator),
                try BatchNorm2d(32), ReLU(),
            ])
        ]
        for (input, output, stride) in blocks {
            features.append(
                try DepthwiseSeparableConv2d(
                    input, output, kernelSize: 3, stride: Size2D(stride), padding: 1, batchNorm: true,
                    activation: .relu,
                    using: &generator))
        }
        return try Sequential(named: [
            NamedLayer("features", try Sequential(features)), NamedLayer("avgpool", GlobalAvgPool2d()),
            NamedLayer("flatten", Flatten()), NamedLayer("fc", try Linear(1024, 1000, using: &generator)),
        ])
    }
}
