import GreenProtobuf

/// ONNX's `GraphProto`: nodes in topological order, the constant tensors they read, and the
/// graph's inputs and outputs.
struct GraphProto {
    /// The graph's name.
    var name = ""
    /// The nodes, in topological order.
    var nodes: [NodeProto] = []
    /// The constant tensors (weights), by name.
    var initializers: [TensorProto] = []
    /// The graph's inputs; files from IR versions before 4 list the initializers here too.
    var inputs: [ValueInfoProto] = []
    /// The graph's outputs.
    var outputs: [ValueInfoProto] = []
    /// Whether it holds sparse initializers, which nothing here reads.
    var hasSparseInitializers = false

    /// Decodes one `GraphProto` message.
    /// - Throws: `ProtobufError`, or `ONNXError` from a tensor.
    init(decoding reader: inout ProtobufReader) throws {
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1:
                var message = try reader.message(wire, field: field)
                nodes.append(try NodeProto(decoding: &message))
            case 2: name = try reader.string(wire, field: field)
            case 5:
                var message = try reader.message(wire, field: field)
                initializers.append(try TensorProto(decoding: &message))
            case 11:
                var message = try reader.message(wire, field: field)
                inputs.append(try ValueInfoProto(decoding: &message))
            case 12:
                var message = try reader.message(wire, field: field)
                outputs.append(try ValueInfoProto(decoding: &message))
            case 15:
                hasSparseInitializers = true
                try reader.skipField(wire)
            default: try reader.skipField(wire)
            }
        }
    }

    /// A graph to export.
    init(
        name: String, nodes: [NodeProto], initializers: [TensorProto], inputs: [ValueInfoProto],
        outputs: [ValueInfoProto]
    ) {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Writes the graph.
    func encode(into writer: inout ProtobufWriter) {
        for node in nodes { writer.writeMessage(field: 1) { node.encode(into: &$0) } }
        writer.writeString(name, field: 2)
        for tensor in initializers { writer.writeMessage(field: 5) { tensor.encode(into: &$0) } }
        for input in inputs { writer.writeMessage(field: 11) { input.encode(into: &$0) } }
        for output in outputs { writer.writeMessage(field: 12) { output.encode(into: &$0) } }
    }
}
