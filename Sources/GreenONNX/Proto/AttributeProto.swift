import GreenProtobuf

/// ONNX's `AttributeProto`: one named attribute of a node (`kernel_shape`, `group`, `value`).
struct AttributeProto {
    /// The attribute's name.
    var name = ""
    /// A FLOAT attribute's value.
    var float: Float?
    /// An INT attribute's value.
    var integer: Int64?
    /// A STRING attribute's value (ONNX strings are bytes; these are read as UTF-8).
    var string: String?
    /// A TENSOR attribute's value (`Constant`'s `value`).
    var tensor: TensorProto?
    /// A FLOATS attribute's values.
    var floats: [Float] = []
    /// An INTS attribute's values.
    var integers: [Int64] = []

    /// Decodes one `AttributeProto` message.
    /// - Throws: `ProtobufError` or `ONNXError` from a tensor value.
    init(decoding reader: inout ProtobufReader) throws {
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1: name = try reader.string(wire, field: field)
            case 2:
                try reader.expect(.fixed32, actual: wire, field: field)
                float = try reader.readFloat()
            case 3:
                try reader.expect(.varint, actual: wire, field: field)
                integer = try reader.readInt64()
            case 4: string = try reader.string(wire, field: field)
            case 5:
                var message = try reader.message(wire, field: field)
                tensor = try TensorProto(decoding: &message)
            case 7: try reader.readRepeatedFloat(wireType: wire, field: field, into: &floats)
            case 8: try reader.readRepeatedInt64(wireType: wire, field: field, into: &integers)
            default: try reader.skipField(wire)
            }
        }
    }

    /// The attribute as text that is equal for equal attributes ("strides=i[2, 2]"), so that
    /// two nodes can be compared by their attributes.
    var canonical: String {
        var parts = [name + "="]
        if let float { parts.append("f\(float.bitPattern)") }
        if let integer { parts.append("i\(integer)") }
        if let string { parts.append("s\(string)") }
        if !floats.isEmpty { parts.append("fs\(floats.map(\.bitPattern))") }
        if !integers.isEmpty { parts.append("is\(integers)") }
        if let tensor { parts.append("t\(tensor.dimensions)\(tensor.floats.map(\.bitPattern))\(tensor.integers)") }
        return parts.joined()
    }

    /// An INT attribute.
    init(name: String, integer: Int64) {
        self.name = name
        self.integer = integer
    }

    /// An INTS attribute.
    init(name: String, integers: [Int64]) {
        self.name = name
        self.integers = integers
    }

    /// A FLOAT attribute.
    init(name: String, float: Float) {
        self.name = name
        self.float = float
    }

    /// Writes the attribute with its `type` field, as ONNX Runtime's checker requires.
    func encode(into writer: inout ProtobufWriter) {
        writer.writeString(name, field: 1)
        if let float {
            writer.writeFloat(float, field: 2)
            writer.writeVarint(1, field: 20)
        } else if let integer {
            writer.writeInt64(integer, field: 3)
            writer.writeVarint(2, field: 20)
        } else {
            writer.writePackedInt64s(integers, field: 8)
            writer.writeVarint(7, field: 20)
        }
    }
}
