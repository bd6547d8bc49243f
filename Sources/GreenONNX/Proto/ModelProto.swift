import GreenProtobuf

/// ONNX's `ModelProto`: the graph, the operator sets it uses, and who made it.
struct ModelProto {
    /// The IR version (8 for opset 17).
    var irVersion = 0
    /// Operator set versions by domain ("" is the standard one).
    var opsets: [String: Int] = [:]
    /// The tool that wrote the file ("pytorch", "GreenNN").
    var producer = ""
    /// The graph; nil when the file has none.
    var graph: GraphProto?

    /// Decodes a whole file.
    /// - Throws: `ProtobufError`, or `ONNXError` from a tensor.
    init(decoding reader: inout ProtobufReader) throws {
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1: irVersion = try reader.int(wire, field: field)
            case 2: producer = try reader.string(wire, field: field)
            case 7:
                var message = try reader.message(wire, field: field)
                graph = try GraphProto(decoding: &message)
            case 8:
                var message = try reader.message(wire, field: field)
                var domain = "", version = 0
                while let (setField, setWire) = try message.nextField() {
                    switch setField {
                    case 1: domain = try message.string(setWire, field: setField)
                    case 2: version = try message.int(setWire, field: setField)
                    default: try message.skipField(setWire)
                    }
                }
                opsets[domain == "ai.onnx" ? "" : domain] = version
            default: try reader.skipField(wire)
            }
        }
    }

    /// A model to export.
    init(irVersion: Int, opset: Int, producer: String, graph: GraphProto) {
        self.irVersion = irVersion
        self.opsets = ["": opset]
        self.producer = producer
        self.graph = graph
    }

    /// The file's bytes.
    func encoded() -> [UInt8] {
        var writer = ProtobufWriter()
        writer.writeInt64(Int64(irVersion), field: 1)
        writer.writeString(producer, field: 2)
        if let graph { writer.writeMessage(field: 7) { graph.encode(into: &$0) } }
        for (domain, version) in opsets.sorted(by: { $0.key < $1.key }) {
            writer.writeMessage(field: 8) { set in
                set.writeString(domain, field: 1)
                set.writeInt64(Int64(version), field: 2)
            }
        }
        return writer.bytes
    }
}
