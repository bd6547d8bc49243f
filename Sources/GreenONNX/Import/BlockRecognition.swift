import GreenNN

/// Finds GreenNN's efficient blocks in a run of imported layers, so that cost tables show
/// block rows: a depthwise conv then a 1x1 conv as `DepthwiseSeparableConv2d`, a squeeze conv
/// then concatenated 1x1 and 3x3 expands as `Fire`, MobileNetV2's expand / depthwise / linear
/// projection as an inverted residual, and ResNet's two-conv residual as a basic block.
/// BatchNorm after a conv is optional throughout (exporters fold it). A run of layers repeated
/// with the very same initializers (as GreenNN exports a `SharedBlock`) becomes a `SharedBlock`
/// again, so its parameters count once.
struct BlockRecognition {
    /// What made each layer imported from a single node, by layer identity.
    let signatures: [ObjectIdentifier: NodeSignature]

    /// `layers` as one layer: the layer itself, or a `Sequential` of them.
    /// - Throws: `LayerError` when `layers` is empty.
    static func single(_ layers: [any Layer]) throws -> any Layer {
        layers.count == 1 ? layers[0] : try Sequential(layers)
    }

    /// `layers` with every recognised run replaced by its block.
    /// - Throws: `LayerError` when a block cannot be built from the run.
    func grouped(_ layers: [any Layer]) throws -> [any Layer] {
        var result: [any Layer] = []
        var index = 0
        while index < layers.count {
            let slice = Array(layers[index...])
            if let (block, length) = try shared(slice) ?? Self.invertedResidualWithoutShortcut(slice)
                ?? Self.depthwiseSeparable(slice) ?? Self.fire(slice) ?? Self.flattened(slice)
                ?? Self.lowRank(slice)
            {
                result.append(block)
                index += length
            } else {
                result.append(layers[index])
                index += 1
            }
        }
        return result
    }

    /// The residual block for `body` (as imported, ungrouped), `shortcut` and `activation`:
    /// an inverted residual or a basic block when the body has their form, else a plain
    /// `Residual` of the grouped body.
    /// - Throws: `LayerError` when the block cannot be built.
    func residual(body: [any Layer], shortcut: Residual.Shortcut, activation: Activation?) throws -> Residual {
        if case .identity = shortcut, activation == nil, let stages = try Self.invertedResidualStages(body),
            stages.length == body.count
        {
            return try Residual(
                body: [NamedLayer("conv", stages.layer)], shortcut: .identity, kind: "InvertedResidual")
        }
        if activation == .relu, let named = Self.basicBlockBody(body) {
            return try Residual(body: named, shortcut: shortcut, activation: .relu, kind: "BasicBlock")
        }
        let grouped = try grouped(body)
        return try Residual(
            body: grouped.enumerated().map { NamedLayer("\($0.offset)", $0.element) }, shortcut: shortcut,
            activation: activation)
    }

    /// A run at the start of `layers` that repeats, two times or more, node for node with the
    /// same operators, attributes and initializers and the same input shape (so it keeps its
    /// shape), as a `SharedBlock` of its first repetition (the copies dropped).
    private func shared(_ layers: [any Layer]) throws -> (any Layer, Int)? {
        func signature(_ index: Int) -> NodeSignature? { signatures[ObjectIdentifier(layers[index])] }
        guard let head = signature(0), head.input != nil else { return nil }
        for length in 1...Swift.max(1, layers.count / 2) where length < layers.count && signature(length) == head {
            let run = (0..<length).map(signature)
            guard run.allSatisfy({ $0 != nil }), run.contains(where: { $0?.hasWeights == true }) else { continue }
            var repetitions = 1
            while (repetitions + 1) * length <= layers.count,
                (0..<length).allSatisfy({ signature(repetitions * length + $0) == run[$0] })
            {
                repetitions += 1
            }
            if repetitions >= 2 {
                let block = try SharedBlock(try Self.single(Array(layers[0..<length])), repetitions: repetitions)
                return (block, repetitions * length)
            }
        }
        return nil
    }

    /// The activation a layer is, if it is one.
    private static func activation(of layer: any Layer) -> Activation? {
        switch layer {
        case is ReLU: .relu
        case is ReLU6: .relu6
        default: nil
        }
    }

    /// Whether `layer` is an ungrouped, undilated 1x1 conv of stride 1 and no padding.
    private static func isPointwise(_ layer: any Layer) -> Bool {
        guard let conv = layer as? Conv2d else { return false }
        return conv.kernelSize == Size2D(1) && conv.groups == 1 && conv.stride == Size2D(1)
            && conv.padding == Size2D(0) && conv.dilation == Size2D(1)
    }

    /// A conv, the BatchNorm after it if any, and the activation after that if any.
    private struct Stage {
        /// The conv and what follows it, in order.
        var layers: [any Layer]
        /// Whether a BatchNorm follows the conv.
        var hasNorm: Bool
        /// The activation taken, if any.
        var activation: Activation?
    }

    /// The stage starting at `layers[index]`: the conv, an optional BatchNorm, then an
    /// activation taken only when `takesActivation`.
    private static func stage(
        _ layers: [any Layer], at index: Int, takesActivation: Bool, isConv: (any Layer) -> Bool
    ) -> Stage? {
        guard index < layers.count, isConv(layers[index]) else { return nil }
        var stage = Stage(layers: [layers[index]], hasNorm: false, activation: nil)
        var next = index + 1
        if next < layers.count, layers[next] is BatchNorm2d {
            stage.layers.append(layers[next])
            stage.hasNorm = true
            next += 1
        }
        if takesActivation, next < layers.count, let activation = activation(of: layers[next]) {
            stage.layers.append(layers[next])
            stage.activation = activation
        }
        return stage
    }

    /// Whether the layer after `length` layers of `layers` is an activation.
    private static func activationFollows(_ layers: [any Layer], after length: Int) -> Bool {
        length < layers.count && activation(of: layers[length]) != nil
    }

    /// MobileNetV2's stages at the start of `layers`: [1x1 expand, BN, ReLU6], [depthwise, BN,
    /// ReLU6], 1x1 projection, BN (the expand absent when the expansion is 1), not followed
    /// by an activation; nested as torchvision nests them under `conv`.
    private static func invertedResidualStages(_ layers: [any Layer]) throws -> (layer: Sequential, length: Int)? {
        var stages: [Stage] = []
        var length = 0
        if let expand = stage(layers, at: 0, takesActivation: true, isConv: isPointwise), expand.activation == .relu6 {
            stages.append(expand)
            length = expand.layers.count
        }
        guard let depthwise = stage(layers, at: length, takesActivation: true, isConv: { $0 is DepthwiseConv2d }),
            depthwise.activation == .relu6
        else { return nil }
        length += depthwise.layers.count
        guard let projection = stage(layers, at: length, takesActivation: false, isConv: isPointwise) else {
            return nil
        }
        length += projection.layers.count
        stages += [depthwise, projection]
        guard !activationFollows(layers, after: length), Set(stages.map(\.hasNorm)).count == 1 else { return nil }
        let nested = try stages.dropLast().map { try Sequential($0.layers) as any Layer } + projection.layers
        return (try Sequential(nested), length)
    }

    /// An inverted residual block without a shortcut (stride 2, or the channels change).
    private static func invertedResidualWithoutShortcut(_ layers: [any Layer]) throws -> (any Layer, Int)? {
        guard let stages = try invertedResidualStages(layers) else { return nil }
        let block = try Residual(body: [NamedLayer("conv", stages.layer)], shortcut: .none, kind: "InvertedResidual")
        return (block, stages.length)
    }

    /// A depthwise conv, optional BatchNorm and activation, then a 1x1 conv with the same.
    private static func depthwiseSeparable(_ layers: [any Layer]) throws -> (any Layer, Int)? {
        guard let depthwise = stage(layers, at: 0, takesActivation: true, isConv: { $0 is DepthwiseConv2d }),
            let pointwise = stage(
                layers, at: depthwise.layers.count, takesActivation: depthwise.activation != nil, isConv: isPointwise),
            depthwise.hasNorm == pointwise.hasNorm, depthwise.activation == pointwise.activation,
            let depthwiseConv = depthwise.layers[0] as? DepthwiseConv2d,
            let pointwiseConv = pointwise.layers[0] as? Conv2d
        else { return nil }
        var norms: (depthwise: BatchNorm2d, pointwise: BatchNorm2d)?
        if let first = depthwise.layers.dropFirst().first as? BatchNorm2d,
            let second = pointwise.layers.dropFirst().first as? BatchNorm2d
        {
            norms = (first, second)
        }
        let block = try DepthwiseSeparableConv2d(
            depthwise: depthwiseConv, pointwise: pointwiseConv, norms: norms, activation: depthwise.activation)
        return (block, depthwise.layers.count + pointwise.layers.count)
    }

    /// A 1x1 squeeze conv and its activation, then `Branches` of a 1x1 and a 3x3 expand conv with
    /// the same activation.
    private static func fire(_ layers: [any Layer]) throws -> (any Layer, Int)? {
        guard let squeeze = stage(layers, at: 0, takesActivation: true, isConv: isPointwise), !squeeze.hasNorm,
            squeeze.layers.count < layers.count, let branches = layers[squeeze.layers.count] as? Branches,
            branches.branches.count == 2
        else { return nil }
        func expand(_ layer: any Layer) -> (conv: Conv2d, activation: Activation?)? {
            if let conv = layer as? Conv2d { return (conv, nil) }
            guard let chain = layer as? Sequential, chain.layers.count == 2, let conv = chain.layers[0] as? Conv2d,
                let activation = activation(of: chain.layers[1])
            else { return nil }
            return (conv, activation)
        }
        guard let squeezeConv = squeeze.layers[0] as? Conv2d, let first = expand(branches.branches[0]),
            let second = expand(branches.branches[1]), first.activation == squeeze.activation,
            second.activation == squeeze.activation, first.conv.kernelSize == Size2D(1),
            second.conv.kernelSize == Size2D(3)
        else { return nil }
        do {
            let block = try Fire(
                squeeze: squeezeConv, expand1x1: first.conv, expand3x3: second.conv, activation: squeeze.activation)
            return (block, squeeze.layers.count + 1)
        } catch {
            return nil
        }
    }

    /// A lateral 1x1 conv, a vertical k x 1 and a horizontal 1 x k depthwise conv (as GreenNN
    /// exports a `FlattenedConv2d`).
    private static func flattened(_ layers: [any Layer]) -> (any Layer, Int)? {
        guard layers.count >= 3, let lateral = layers[0] as? Conv2d, let vertical = layers[1] as? DepthwiseConv2d,
            let horizontal = layers[2] as? DepthwiseConv2d,
            let block = try? FlattenedConv2d(lateral: lateral, vertical: vertical, horizontal: horizontal)
        else { return nil }
        return (block, 3)
    }

    /// Two linear layers or two 1x1 convs in a row, the first without a bias, whose inner width is
    /// below both outer ones: a product of low rank (as GreenNN exports `LowRankLinear` and
    /// `LowRankPointwiseConv2d`).
    private static func lowRank(_ layers: [any Layer]) -> (any Layer, Int)? {
        guard layers.count >= 2 else { return nil }
        if let down = layers[0] as? Linear, let up = layers[1] as? Linear, down.bias == nil,
            down.outputFeatures < Swift.min(down.inputFeatures, up.outputFeatures),
            let block = try? LowRankLinear(down: down, up: up)
        {
            return (block, 2)
        }
        if let down = layers[0] as? Conv2d, let up = layers[1] as? Conv2d, down.bias == nil,
            down.outputChannels < Swift.min(down.inputChannels, up.outputChannels),
            let block = try? LowRankPointwiseConv2d(down: down, up: up)
        {
            return (block, 2)
        }
        return nil
    }

    /// ResNet's basic block body with torchvision's names: `conv1`, `bn1`, `relu`, `conv2`,
    /// `bn2` (the BatchNorms optional together).
    private static func basicBlockBody(_ layers: [any Layer]) -> [NamedLayer]? {
        func isThreeByThree(_ layer: any Layer) -> Bool {
            (layer as? Conv2d).map { $0.kernelSize == Size2D(3) && $0.groups == 1 } ?? false
        }
        guard let first = stage(layers, at: 0, takesActivation: true, isConv: isThreeByThree),
            first.activation == .relu,
            let second = stage(layers, at: first.layers.count, takesActivation: false, isConv: isThreeByThree),
            first.layers.count + second.layers.count == layers.count, first.hasNorm == second.hasNorm
        else { return nil }
        let names = first.hasNorm ? ["conv1", "bn1", "relu", "conv2", "bn2"] : ["conv1", "relu", "conv2"]
        return zip(names, layers).map { NamedLayer($0, $1) }
    }
}
