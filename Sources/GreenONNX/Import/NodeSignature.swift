import GreenNN

/// What a layer was imported from: its node's operator, attributes and constant inputs by
/// name, and the shape it received. Two layers with equal signatures compute the same function
/// with the same weights, which is how `BlockRecognition` finds a shared block.
struct NodeSignature: Equatable {
    /// The operator, the attributes (canonical, sorted) and the constant inputs' names.
    let text: String
    /// The input shape at batch 1, nil when the graph's input shape is unknown.
    let input: Shape?
    /// Whether the layer has parameters.
    let hasWeights: Bool
    /// The layer, kept alive so that its identity is never reused while the import runs.
    let layer: any Layer

    /// The signature of `layer`, imported from `nodes` (a MatMul and its bias Add: both).
    init(layer: any Layer, nodes: [NodeProto], constants: Set<String>, input: Shape?) {
        text = nodes.map { node in
            ([node.opType] + node.attributes.values.map(\.canonical).sorted()
                + node.inputs.filter(constants.contains)).joined(separator: "|")
        }.joined(separator: ";")
        self.input = input
        hasWeights = !layer.parameters.isEmpty
        self.layer = layer
    }

    /// Equal operators, attributes, constants and input shapes (the layers themselves differ).
    static func == (lhs: NodeSignature, rhs: NodeSignature) -> Bool {
        lhs.text == rhs.text && lhs.input == rhs.input && lhs.hasWeights == rhs.hasWeights
    }
}
