/// LeNet-5 (LeCun et al. 1998) in the form PyTorch tutorials use for 1x28x28 MNIST:
/// conv 1→6 k5 pad 2, ReLU, max pool 2, conv 6→16 k5, ReLU, max pool 2, flatten,
/// Linear 400→120→84→10 with ReLUs. 61,706 parameters; 416,520 conv and linear MACs per image.
///
/// Children are numbered as in the PyTorch `nn.Sequential` twin ("0.weight", "7.bias").
/// Variants (`Variant`): ds, flattened, shrinked, lowrank, green. Two do not apply and are
/// refused: sharing (LeNet-5 has no two same-shape convs) and fire (a fire module keeps the
/// plane size, so replacing the valid 5x5 conv2 (14→10) would grow fc1 from 400 to 784
/// inputs and the network would have more parameters than the baseline; a 2-channel squeeze
/// of 6 channels is no bottleneck worth having either).
public enum LeNet5 {
    /// The variants LeNet-5 has.
    public static let variants: [Variant] = [.ds, .flattened, .shrinked, .lowrank, .green]

    /// The feature plan.
    static let plan: [NetworkBuilder.Feature] = [
        .conv(channels: 6, kernel: 5, padding: 2), .pool(size: 2), .conv(channels: 16, kernel: 5, padding: 0),
        .pool(size: 2),
    ]

    /// Builds LeNet-5 or one of its variants, weights drawn from `generator`.
    /// - Throws: `LayerError` for the variants that do not apply (shared, fire).
    public static func make(variant: Variant? = nil, using generator: inout SeededGenerator) throws -> Sequential {
        try Variant.check(variant, among: variants, for: "LeNet5")
        return try build(NetworkBuilder(variant: variant, input: (1, 28)), using: &generator)
    }

    /// LeNet-5 shrunk with MobileNet's multipliers: every hidden layer's width times `width`
    /// (rounded, at least 1), the 28x28 input area-resampled by `resolution` first.
    /// - Throws: `LayerError` when a multiplier is outside (0, 1] or the plane becomes too small.
    public static func shrunk(
        width: Float, resolution: Float = 1, using generator: inout SeededGenerator
    ) throws
        -> Sequential
    {
        try build(NetworkBuilder(variant: nil, input: (1, 28), width: width, resolution: resolution), using: &generator)
    }

    private static func build(_ builder: NetworkBuilder, using generator: inout SeededGenerator) throws -> Sequential {
        try builder.validate(for: "LeNet5")
        let features = try builder.features(plan, using: &generator)
        let shape = try builder.outputShape(of: features)
        let head = try builder.classifier(
            inputFeatures: shape.elementCount, widths: [120, 84, 10], dropout: nil, using: &generator)
        let body = features.layers + [Flatten()] + head
        let resample = try builder.resampling()
        return try resample.isEmpty
            ? Sequential(body) : Sequential(named: resample + [NamedLayer("body", try Sequential(body))])
    }
}
