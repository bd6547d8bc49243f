import GreenProtobuf

/// ONNX's `ValueInfoProto` for a tensor: a graph input's or output's name, element type and
/// dimensions (nil where the dimension is symbolic, "N", or left out).
struct ValueInfoProto {
    /// The value's name.
    var name = ""
    /// `TensorProto.DataType`'s raw value (0 when not given).
    var elementType = 0
    /// The dimensions, nil for symbolic ones; nil as a whole when no shape is given.
    var dimensions: [Int?]?

    /// Decodes one `ValueInfoProto` message (its `TypeProto.Tensor`; other types leave the
    /// element type 0).
    /// - Throws: `ProtobufError` for a broken wire format.
    init(decoding reader: inout ProtobufReader) throws {
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1: name = try reader.string(wire, field: field)
            case 2:
                var type = try reader.message(wire, field: field)
                while let (typeField, typeWire) = try type.nextField() {
                    guard typeField == 1 else {
                        try type.skipField(typeWire)
                        continue
                    }
                    var tensor = try type.message(typeWire, field: typeField)
                    try decodeTensorType(&tensor)
                }
            default: try reader.skipField(wire)
            }
        }
    }

    /// Reads `TypeProto.Tensor`: the element type and `TensorShapeProto`.
    private mutating func decodeTensorType(_ reader: inout ProtobufReader) throws {
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1: elementType = try reader.int(wire, field: field)
            case 2:
                var shape = try reader.message(wire, field: field)
                var dimensions: [Int?] = []
                while let (shapeField, shapeWire) = try shape.nextField() {
                    guard shapeField == 1 else {
                        try shape.skipField(shapeWire)
                        continue
                    }
                    var dimension = try shape.message(shapeWire, field: shapeField)
                    var value: Int?
                    while let (dimensionField, dimensionWire) = try dimension.nextField() {
                        if dimensionField == 1 {
                            value = try dimension.int(dimensionWire, field: dimensionField)
                        } else {
                            try dimension.skipField(dimensionWire)
                        }
                    }
                    dimensions.append(value)
                }
                self.dimensions = dimensions
            default: try reader.skipField(wire)
            }
        }
    }

    /// A FLOAT tensor value with `dimensions` (nil entries written as the symbol "N").
    init(name: String, dimensions: [Int?]) {
        self.name = name
        self.elementType = TensorProto.DataType.float.rawValue
        self.dimensions = dimensions
    }

    /// Writes the value with its tensor type and shape.
    func encode(into writer: inout ProtobufWriter) {
        writer.writeString(name, field: 1)
        writer.writeMessage(field: 2) { type in
            type.writeMessage(field: 1) { tensor in
                tensor.writeInt64(Int64(elementType), field: 1)
                tensor.writeMessage(field: 2) { shape in
                    for dimension in dimensions ?? [] {
                        shape.writeMessage(field: 1) { entry in
                            if let dimension {
                                entry.writeInt64(Int64(dimension), field: 1)
                            } else {
                                entry.writeString("N", field: 2)
                            }
                        }
                    }
                }
            }
        }
    }
}
