import GreenProtobuf

/// ONNX's `NodeProto`: one operator application, its inputs and outputs named by value.
struct NodeProto {
    /// Input value names in order; "" marks an omitted optional input.
    var inputs: [String] = []
    /// Output value names in order.
    var outputs: [String] = []
    /// The node's name ("/features/features.0/Conv"); may be empty.
    var name = ""
    /// The operator ("Conv").
    var opType = ""
    /// The operator set's domain; "" and "ai.onnx" are the standard one.
    var domain = ""
    /// The attributes by name.
    var attributes: [String: AttributeProto] = [:]

    /// Decodes one `NodeProto` message.
    /// - Throws: `ProtobufError` or `ONNXError` from an attribute.
    init(decoding reader: inout ProtobufReader) throws {
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1: inputs.append(try reader.string(wire, field: field))
            case 2: outputs.append(try reader.string(wire, field: field))
            case 3: name = try reader.string(wire, field: field)
            case 4: opType = try reader.string(wire, field: field)
            case 5:
                var message = try reader.message(wire, field: field)
                let attribute = try AttributeProto(decoding: &message)
                attributes[attribute.name] = attribute
            case 7: domain = try reader.string(wire, field: field)
            default: try reader.skipField(wire)
            }
        }
    }

    /// A standard-domain node.
    init(opType: String, name: String, inputs: [String], outputs: [String], attributes: [AttributeProto] = []) {
        self.opType = opType
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = Dictionary(attributes.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
    }

    /// What errors call the node: its name, or its first output's when it has none.
    var label: String { name.isEmpty ? "producing '\(outputs.first ?? "?")'" : name }

    /// Writes the node, attributes in name order so that a file is the same every time.
    func encode(into writer: inout ProtobufWriter) {
        for input in inputs { writer.writeString(input, field: 1) }
        for output in outputs { writer.writeString(output, field: 2) }
        writer.writeString(name, field: 3)
        writer.writeString(opType, field: 4)
        for attribute in attributes.values.sorted(by: { $0.name < $1.name }) {
            writer.writeMessage(field: 5) { attribute.encode(into: &$0) }
        }
    }
}
