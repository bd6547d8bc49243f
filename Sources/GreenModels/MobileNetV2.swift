/// MobileNet v2 (Sandler et al. 2018), width 1.0, 224x224 input, with torchvision's layout
/// and names: `features.0` a 3x3 stride-2 conv to 32 channels with BatchNorm and ReLU6,
/// `features.1` … `features.17` inverted residual blocks (`Residual.invertedResidual`),
/// `features.18` a 1x1 conv to 1280 channels with BatchNorm and ReLU6, global average pooling,
/// and `classifier` (dropout 0.2, a 1280→1000 linear layer). 3,504,872 parameters;
/// 300,774,272 conv and linear MACs per image.
public enum MobileNetV2 {
    /// (expansion t, output channels c, repeats n, first stride s) of each stage, as in the paper.
    static let stages: [(Int, Int, Int, Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    /// Builds the network with weights drawn from `generator`.
    /// - Throws: `LayerError` if a block cannot be built.
    public static func make(using generator: inout SeededGenerator) throws -> Sequential {
        var features: [any Layer] = [
            try Sequential([
                try Conv2d(3, 32, kernelSize: 3, stride: 2, padding: 1, bias: false, using: &generator),
                try BatchNorm2d(32), ReLU6(),
            ])
        ]
        var channels = 32
        for (expansion, output, repeats, stride) in stages {
            for index in 0..<repeats {
                features.append(
                    try Residual.invertedResidual(
                        channels, output, stride: index == 0 ? stride : 1, expansion: expansion, using: &generator))
                channels = output
            }
        }
        features.append(
            try Sequential([
                try Conv2d(channels, 1280, kernelSize: 1, bias: false, using: &generator), try BatchNorm2d(1280),
                ReLU6(),
            ]))
        return try Sequential(named: [
            NamedLayer("features", try Sequential(features)), NamedLayer("avgpool", GlobalAvgPool2d()),
            NamedLayer("flatten", Flatten()),
            NamedLayer(
                "classifier",
                try Sequential([try Dropout(probability: 0.2), try Linear(1280, 1000, using: &generator)])),
        ])
    }
}
