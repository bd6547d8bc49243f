/// Runs `children` in order, each on the previous one's output, prefixing any error with the
/// failing child's name (torchinfo's "layers that ran", MLX's dotted path).
func forwardChain(_ children: [NamedLayer], _ input: Tensor) throws -> Tensor {
    var value = input
    for child in children {
        value = try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.forward(value) }
    }
    return value
}

/// Runs the children's backward passes in reverse order, each on the gradient the next one
/// returned, prefixing any error with the failing child's name.
/// - Returns: the gradient with respect to the chain's input.
func backwardChain(_ children: [NamedLayer], _ outputGradient: Tensor) throws -> Tensor {
    var gradient = outputGradient
    for child in children.reversed() {
        gradient = try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.backward(gradient) }
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
