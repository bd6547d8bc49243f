extension Residual {
    /// MobileNetV2's inverted residual block (Sandler et al. 2018) with torchvision's layout
    /// and names, reporting kind "InvertedResidual": under `conv`, a 1x1 expansion to
    /// `input · expansion` channels with BatchNorm and ReLU6 (left out when `expansion` is 1),
    /// a 3x3 depthwise conv of `stride` with BatchNorm and ReLU6, then a linear 1x1 projection to
    /// `output` channels with BatchNorm; the input is added back when `stride` is 1 and
    /// `input == output`.
    ///
    /// State_dict names: `conv.0.0.weight` (expansion), `conv.1.0.weight` (depthwise),
    /// `conv.2.weight` and `conv.3.*` (projection and its BatchNorm); with `expansion` 1,
    /// `conv.0.0` is the depthwise conv and `conv.1`, `conv.2` the projection.
    /// - Throws: `LayerError` for channel counts or a stride below 1.
    public static func invertedResidual(
        _ input: Int, _ output: Int, stride: Int, expansion: Int, using generator: inout SeededGenerator
    ) throws -> Residual {
        guard input >= 1, output >= 1, stride >= 1, expansion >= 1 else {
            throw LayerError.invalidConfiguration(
                "InvertedResidual",
                "channels, stride and expansion must be >= 1, got \(input), \(output), \(stride), \(expansion)")
        }
        let hidden = input * expansion
        var stages: [any Layer] = []
        if expansion != 1 {
            stages.append(
                try Sequential([
                    try Conv2d(input, hidden, kernelSize: 1, bias: false, using: &generator), try BatchNorm2d(hidden),
                    ReLU6(),
                ]))
        }
        stages += [
            try Sequential([
                try DepthwiseConv2d(
                    hidden, kernelSize: 3, stride: Size2D(stride), padding: 1, bias: false, using: &generator),
                try BatchNorm2d(hidden), ReLU6(),
            ]),
            try Conv2d(hidden, output, kernelSize: 1, bias: false, using: &generator), try BatchNorm2d(output),
        ]
        return try Residual(
            body: [NamedLayer("conv", try Sequential(stages))],
            shortcut: stride == 1 && input == output ? .identity : .none, kind: "InvertedResidual")
    }

    /// torchvision's ResNet `BasicBlock` (He et al. 2016): two 3x3 convs with BatchNorm
    /// (`conv1`, `bn1`, `relu`, `conv2`, `bn2`), the first of `stride`, added to the input or,
    /// when the stride or the channels change, to its projection (`downsample`: a strided 1x1
    /// conv and BatchNorm), then ReLU.
    /// - Throws: `LayerError` for channel counts or a stride below 1.
    public static func basicBlock(
        _ input: Int, _ output: Int, stride: Int, using generator: inout SeededGenerator
    ) throws -> Residual {
        try basicBlock(input, output, stride: stride, using: &generator) { input, output, stride, generator in
            try Conv2d(
                input, output, kernelSize: 3, stride: Size2D(stride), padding: 1, bias: false, using: &generator)
        }
    }

    /// A `BasicBlock` whose two 3x3 convs are made by `convolution(input, output, stride,
    /// generator)`: an efficient replacement (a depthwise-separable or flattened conv of the
    /// same shape) for the variants of ResNet-18.
    /// - Throws: `LayerError` for channel counts or a stride below 1, or what `convolution` throws.
    public static func basicBlock(
        _ input: Int, _ output: Int, stride: Int, using generator: inout SeededGenerator,
        convolution: (Int, Int, Int, inout SeededGenerator) throws -> any Layer
    ) throws -> Residual {
        let body = [
            NamedLayer("conv1", try convolution(input, output, stride, &generator)),
            NamedLayer("bn1", try BatchNorm2d(output)), NamedLayer("relu", ReLU()),
            NamedLayer("conv2", try convolution(output, output, 1, &generator)),
            NamedLayer("bn2", try BatchNorm2d(output)),
        ]
        let shortcut: Shortcut =
            stride == 1 && input == output
            ? .identity
            : .layer(
                NamedLayer(
                    "downsample",
                    try Sequential([
                        try Conv2d(
                            input, output, kernelSize: 1, stride: Size2D(stride), bias: false, using: &generator),
                        try BatchNorm2d(output),
                    ])))
        return try Residual(body: body, shortcut: shortcut, activation: .relu, kind: "BasicBlock")
    }
}
