/// Runs `children` in order, each on the previous one's output, prefixing any error with the
/// failing child's name (torchinfo's "layers that ran", MLX's dotted path). In inference, a
/// conv followed by BatchNorm and/or ReLU runs as one fused pass (`forwardStep`); in training,
/// a conv followed by a ReLU or ReLU6.
func forwardChain(_ children: [NamedLayer], _ input: Tensor) throws -> Tensor {
    var value = input
    var index = 0
    while index < children.count {
        let step = try forwardStep(children, at: index, value)
        value = step.output
        index += step.consumed
    }
    return value
}

/// Runs the child at `index` on `input` and returns its output and how many children that
/// covered: 1, or more when the child is a `Conv2d` or `DepthwiseConv2d` in inference mode
/// followed by a `BatchNorm2d` and/or a `ReLU`/`ReLU6` (also in inference mode), which are then
/// applied in the conv's output pass instead of as passes of their own. In training, a
/// `Conv2d` followed by a `ReLU` or `ReLU6` (all in training mode) clamps its output on the way
/// out and hands it to the activation as that layer's cache, so both backward passes run as
/// usual. The result is the same as running them one by one, up to rounding.
/// - Throws: the child's error, its path prefixed with the child's name.
public func forwardStep(
    _ children: [NamedLayer], at index: Int, _ input: Tensor
) throws -> (
    output: Tensor, consumed: Int
) {
    let child = children[index]
    return try LayerError.inChild(child.name, kind: child.layer.kind) {
        if let (layer, epilogue, consumed) = try fusion(at: index, in: children) {
            return (try layer.forward(input, epilogue: epilogue), consumed)
        }
        if let conv = child.layer as? Conv2d, conv.isTraining, index + 1 < children.count,
            children[index + 1].layer.isTraining
        {
            if let relu = children[index + 1].layer as? ReLU {
                let output = try conv.trainingForward(input, lower: 0, upper: .infinity)
                relu.adoptTrainingOutput(output)
                return (output, 2)
            }
            if let relu6 = children[index + 1].layer as? ReLU6 {
                let output = try conv.trainingForward(input, lower: 0, upper: 6)
                relu6.adoptTrainingOutput(output)
                return (output, 2)
            }
        }
        return (try child.layer.forward(input), 1)
    }
}

/// The conv at `index`, the epilogue its followers fold into, and how many children that
/// covers; nil when nothing follows that can fuse or anything involved is training.
private func fusion(at index: Int, in children: [NamedLayer]) throws -> (any EpilogueFusing, Epilogue, Int)? {
    guard let conv = fusingConvolution(children[index].layer), !conv.isTraining else { return nil }
    var epilogue = Epilogue()
    var next = index + 1
    if next < children.count, let norm = children[next].layer as? BatchNorm2d, !norm.isTraining,
        norm.channels == conv.fusedChannels
    {
        (epilogue.scale, epilogue.shift) = try norm.inferenceAffine()
        next += 1
    }
    if next < children.count, !children[next].layer.isTraining {
        if children[next].layer is ReLU {
            epilogue.lower = 0
            next += 1
        } else if children[next].layer is ReLU6 {
            (epilogue.lower, epilogue.upper) = (0, 6)
            next += 1
        }
    }
    return next > index + 1 ? (conv, epilogue, next - index) : nil
}

/// `layer` as an `EpilogueFusing` convolution, found by class casts: a cast to the protocol looks
/// the conformance up in the runtime's table on every call, which cost more than LeNet-5's
/// smaller layers. Every conforming class is listed here.
private func fusingConvolution(_ layer: any Layer) -> (any EpilogueFusing)? {
    if let conv = layer as? Conv2d { return conv }
    if let conv = layer as? DepthwiseConv2d { return conv }
    if let conv = layer as? LowRankPointwiseConv2d { return conv }
    if let conv = layer as? FlattenedConv2d { return conv }
    return nil
}

/// A convolution whose output pass can absorb a following inference BatchNorm and activation.
/// Conforming classes must be listed in `fusingConvolution(_:)`.
protocol EpilogueFusing: Layer {
    /// The channels of its output (the epilogue's vector length).
    var fusedChannels: Int { get }
    /// `forward(_:)` with `epilogue` applied to each output channel as it is written.
    func forward(_ input: Tensor, epilogue: Epilogue) throws -> Tensor
}

/// Runs the children's backward passes in reverse order, each on the gradient the next one
/// returned, prefixing any error with the failing child's name. A `MaxPool2d` right after a
/// `ReLU` runs both backward passes as one (`MaxPool2d.backwardThroughReLU(_:)`).
/// - Returns: the gradient with respect to the chain's input.
func backwardChain(_ children: [NamedLayer], _ outputGradient: Tensor) throws -> Tensor {
    var gradient = outputGradient
    var index = children.count - 1
    while index >= 0 {
        let child = children[index]
        if index >= 1, let pool = child.layer as? MaxPool2d, let relu = children[index - 1].layer as? ReLU {
            let reluChild = children[index - 1]
            try LayerError.inChild(reluChild.name, kind: reluChild.layer.kind) { try relu.discardTrainingOutput() }
            gradient = try LayerError.inChild(child.name, kind: child.layer.kind) {
                try pool.backwardThroughReLU(gradient)
            }
            index -= 2
            continue
        }
        gradient = try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.backward(gradient) }
        index -= 1
    }
    return gradient
}

/// `backwardChain` when the chain's input gradient is not needed: the children before the
/// first one with parameters get no backward pass at all, and that one computes its parameter
/// gradients only (`backwardParameters(_:)`).
func backwardChainParameters(_ children: [NamedLayer], _ outputGradient: Tensor) throws {
    guard let first = children.firstIndex(where: { $0.layer.parameterCount > 0 }) else { return }
    let gradient = try backwardChain(Array(children[(first + 1)...]), outputGradient)
    let child = children[first]
    try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.backwardParameters(gradient) }
}
