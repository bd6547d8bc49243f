/// Runs `children` in order, each on the previous one's output, prefixing any error with the
/// failing child's name (torchinfo's "layers that ran", MLX's dotted path).
func forwardChain(_ children: [NamedLayer], _ input: Tensor) throws -> Tensor {
    var value = input
    for child in children {
        value = try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.forward(value) }
    }
    return value
}
