/// The one builder behind every LeNet and VGG model and variant: it turns a feature plan
/// (convs and pools) and a classifier plan into layers, swapping blocks according to the
/// variant. Architectures are data (VGG's configurations are channel lists), so no model
/// file repeats another's code.
struct NetworkBuilder {
    /// One step of a feature extractor.
    enum Feature {
        /// A conv to `channels` with a square kernel and padding, followed by ReLU.
        case conv(channels: Int, kernel: Int, padding: Int)
        /// A max pool with a square window and stride.
        case pool(size: Int)
    }

    /// The variant being built, or nil for the baseline.
    let variant: Variant?
    /// The image's channels and size (square).
    let input: (channels: Int, size: Int)
    /// The width multiplier α applied to every hidden layer.
    let width: Float
    /// The resolution multiplier ρ applied to the input image.
    let resolution: Float

    /// A builder for `variant`; its width and resolution multipliers unless given.
    init(variant: Variant?, input: (channels: Int, size: Int), width: Float? = nil, resolution: Float? = nil) {
        self.variant = variant
        self.input = input
        self.width = width ?? variant?.width ?? 1
        self.resolution = resolution ?? variant?.resolution(forInputSize: input.size) ?? 1
    }

    /// Whether convs after the first are shrinked blocks.
    private var shrinks: Bool { width < 1 || variant?.block == .shrinked }

    /// The channel count of a hidden layer after the width multiplier.
    func thinned(_ channels: Int) -> Int {
        ShrinkedConv2d.thinned(channels, width: width)
    }

    /// Checks that the multipliers lie in (0, 1].
    func validate(for kind: String) throws {
        guard width > 0, width <= 1, resolution > 0, resolution <= 1 else {
            throw LayerError.invalidConfiguration(
                kind, "width and resolution multipliers must be in (0, 1], got \(width) and \(resolution)")
        }
    }

    /// The layers of a feature extractor, numbered like torchvision's `features`.
    func features(_ plan: [Feature], using generator: inout SeededGenerator) throws -> Sequential {
        var layers: [any Layer] = []
        var channels = input.channels
        var isFirst = true
        var index = 0
        while index < plan.count {
            switch plan[index] {
            case let .pool(size):
                layers.append(try MaxPool2d(kernelSize: Size2D(size)))
                index += 1
            case let .conv(outputChannels, kernel, padding):
                let repeats = variant == .shared && !isFirst ? sameShapeRun(plan, from: index, channels: channels) : 0
                if repeats >= 2 {
                    let block = try Sequential([
                        try Conv2d(
                            channels, channels, kernelSize: Size2D(kernel), padding: Size2D(padding), using: &generator),
                        ReLU(),
                    ])
                    layers.append(try SharedBlock(block, repetitions: repeats))
                    index += repeats
                    continue
                }
                layers += try convolution(
                    from: channels, to: outputChannels, kernel: kernel, padding: padding, isFirst: isFirst,
                    using: &generator)
                channels = outputChannels
                isFirst = false
                index += 1
            }
        }
        return try Sequential(layers)
    }

    /// How many consecutive convs from `start` keep `channels` and the plane size (a run of
    /// two or more becomes one shared block; 0 when the first one changes the shape).
    private func sameShapeRun(_ plan: [Feature], from start: Int, channels: Int) -> Int {
        var count = 0
        for step in plan[start...] {
            guard case let .conv(outputChannels, kernel, padding) = step, outputChannels == channels,
                2 * padding == kernel - 1
            else { break }
            count += 1
        }
        return count
    }

    /// One conv of the plan as the variant's block, with its activation.
    private func convolution(
        from inputChannels: Int, to outputChannels: Int, kernel: Int, padding: Int, isFirst: Bool,
        using generator: inout SeededGenerator
    ) throws -> [any Layer] {
        let size = Size2D(kernel), pad = Size2D(padding)
        if isFirst {
            return [
                try Conv2d(inputChannels, thinned(outputChannels), kernelSize: size, padding: pad, using: &generator),
                ReLU(),
            ]
        }
        switch shrinks ? .shrinked : variant?.block ?? .standard {
        case .standard:
            return [
                try Conv2d(inputChannels, outputChannels, kernelSize: size, padding: pad, using: &generator), ReLU(),
            ]
        case .depthwiseSeparable:
            return [
                try DepthwiseSeparableConv2d(
                    inputChannels, outputChannels, kernelSize: size, padding: pad, using: &generator),
                ReLU(),
            ]
        case .fire:
            let squeeze = Swift.max(1, outputChannels / 8)
            return [
                try Fire(
                    inputChannels, squeeze: squeeze, expand1x1: outputChannels / 2,
                    expand3x3: outputChannels - outputChannels / 2, using: &generator)
            ]
        case .flattened:
            return [
                try FlattenedConv2d(
                    inputChannels, outputChannels, kernelSize: kernel, padding: padding, using: &generator),
                ReLU(),
            ]
        case .shrinked:
            // The plan's channel counts are the unshrunk ones; ShrinkedConv2d thins both sides.
            return [
                try ShrinkedConv2d(
                    inputChannels, outputChannels, kernelSize: size, padding: pad,
                    width: width, using: &generator),
                ReLU(),
            ]
        }
    }

    /// A classifier over `features` flattened: `Linear` layers of the given widths (the last
    /// is the class count), ReLU between, optional dropout after each ReLU; hidden layers
    /// factorised for low-rank variants, thinned for shrinked ones.
    func classifier(
        inputFeatures: Int, widths: [Int], dropout: Float?, using generator: inout SeededGenerator
    ) throws -> [any Layer] {
        var layers: [any Layer] = []
        var features = inputFeatures
        for (index, width) in widths.enumerated() {
            let isLast = index == widths.count - 1
            let outputs = isLast ? width : thinned(width)
            if !isLast && variant?.lowRankClassifier == true {
                let rank = Swift.max(1, Swift.min(features, outputs) / 8)
                layers.append(try LowRankLinear(features, outputs, rank: rank, using: &generator))
            } else {
                layers.append(try Linear(features, outputs, using: &generator))
            }
            if !isLast {
                layers.append(ReLU())
                if let dropout { layers.append(try Dropout(probability: dropout, seed: UInt64(index))) }
            }
            features = outputs
        }
        return layers
    }

    /// The output shape of `layer` on one image of this builder's input (after `resolution`).
    func outputShape(of layer: any Layer) throws -> Shape {
        let size = resolution < 1 ? Swift.max(1, Int((Float(input.size) * resolution).rounded(.down))) : input.size
        return try layer.cost(for: [1, input.channels, size, size]).output
    }

    /// The layers that resample the input first when ρ < 1 (none otherwise).
    func resampling() throws -> [NamedLayer] {
        resolution < 1 ? [NamedLayer("resample", try AreaResample(scale: resolution))] : []
    }
}
