/// ResNet-18 (He et al. 2016) with torchvision's layout and names: a 7x7 stride-2 stem conv
/// with BatchNorm and ReLU (`conv1`, `bn1`, `relu`), a 3x3 stride-2 max pool, four stages of
/// two `BasicBlock`s (`layer1` … `layer4`, 64 to 512 channels, the later three opening with a
/// stride-2 block whose shortcut is a projection, `downsample`), global average pooling and a
/// 512→1000 linear layer (`fc`). 11,689,512 parameters; 1,814,073,344 conv and linear MACs per
/// 224x224 image.
public enum ResNet {
    /// Builds ResNet-18 with weights drawn from `generator`.
    /// - Throws: `LayerError` if a block cannot be built.
    public static func make18(using generator: inout SeededGenerator) throws -> Sequential {
        var layers = [
            NamedLayer(
                "conv1", try Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false, using: &generator)),
            NamedLayer("bn1", try BatchNorm2d(64)), NamedLayer("relu", ReLU()),
            NamedLayer("maxpool", try MaxPool2d(kernelSize: 3, stride: 2, padding: 1)),
        ]
        var channels = 64
        for (index, width) in [64, 128, 256, 512].enumerated() {
            let stride = index == 0 ? 1 : 2
            layers.append(
                NamedLayer(
                    "layer\(index + 1)",
                    try Sequential([
                        try Residual.basicBlock(channels, width, stride: stride, using: &generator),
                        try Residual.basicBlock(width, width, stride: 1, using: &generator),
                    ])))
            channels = width
        }
        layers += [
            NamedLayer("avgpool", GlobalAvgPool2d()), NamedLayer("flatten", Flatten()),
            NamedLayer("fc", try Linear(512, 1000, using: &generator)),
        ]
        return try Sequential(named: layers)
    }
}
