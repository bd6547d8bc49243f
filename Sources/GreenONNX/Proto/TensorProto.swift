import GreenProtobuf

/// ONNX's `TensorProto`: a named constant (an initializer, a `Constant` node's value or a tensor
/// attribute). Floats and integers are copied out of the file while it is decoded, so nothing
/// points into the file afterwards; raw data is checked against the dimensions before any copy.
struct TensorProto {
    /// ONNX's `TensorProto.DataType` values this package reads or names in errors.
    enum DataType: Int {
        case undefined = 0, float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7
        case string = 8, bool = 9, float16 = 10, double = 11, uint32 = 12, uint64 = 13, bfloat16 = 16

        /// The name onnx.proto gives it ("FLOAT", "INT64"), or "data type N" for one not listed.
        static func name(of raw: Int) -> String {
            DataType(rawValue: raw).map { "\($0)".uppercased() } ?? "data type \(raw)"
        }
    }

    /// The tensor's name ("fc.weight").
    var name = ""
    /// Its dimensions, outermost first.
    var dimensions: [Int64] = []
    /// `DataType`'s raw value.
    var dataType = 0
    /// The values of a FLOAT tensor.
    var floats: [Float] = []
    /// The values of an INT64, INT32 or BOOL tensor (other types are not decoded).
    var integers: [Int64] = []
    /// Whether the data lives in a file beside the model (`data_location` EXTERNAL).
    var isExternal = false

    /// The number of elements the dimensions give, nil when a dimension is negative or the
    /// product overflows `Int`.
    var elementCount: Int? {
        var count = 1
        for dimension in dimensions {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dimension))
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// Decodes one `TensorProto` message.
    /// - Throws: `ProtobufError` for a broken wire format, `ONNXError.invalidTensor` when the
    ///   data does not hold the dimensions' element count.
    init(decoding reader: inout ProtobufReader) throws {
        var raw: UnsafeRawBufferPointer?
        var int32s: [Int64] = []
        var doubles: [Float] = []
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1: try reader.readRepeatedInt64(wireType: wire, field: field, into: &dimensions)
            case 2: dataType = try reader.int(wire, field: field)
            case 3: throw ONNXError.invalidTensor(name: name, reason: "segmented tensors are not supported")
            case 4: try reader.readRepeatedFloat(wireType: wire, field: field, into: &floats)
            case 5: try reader.readRepeatedInt64(wireType: wire, field: field, into: &int32s)
            case 7: try reader.readRepeatedInt64(wireType: wire, field: field, into: &integers)
            case 8: name = try reader.string(wire, field: field)
            case 9:
                try reader.expect(.lengthDelimited, actual: wire, field: field)
                raw = try reader.readBytes()
            case 10:
                if wire == .lengthDelimited {
                    let start = reader.offset
                    let run = try reader.readBytes()
                    guard run.count % 8 == 0 else {
                        throw ProtobufError.malformedPackedField(field: field, offset: start)
                    }
                    doubles += (0..<run.count / 8).map {
                        Float(run.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self))
                    }
                } else {
                    try reader.expect(.fixed64, actual: wire, field: field)
                    doubles.append(Float(try reader.readDouble()))
                }
            case 13: isExternal = true; try reader.skipField(wire)
            case 14: isExternal = try reader.int(wire, field: field) == 1 || isExternal
            default: try reader.skipField(wire)
            }
        }
        if isExternal { return }
        try fill(raw: raw, int32s: int32s, doubles: doubles)
    }

    /// Moves the decoded values into `floats` or `integers` by data type, checking their count
    /// (raw data against the dimensions before anything is copied).
    private mutating func fill(raw: UnsafeRawBufferPointer?, int32s: [Int64], doubles: [Float]) throws(ONNXError) {
        guard let count = elementCount else {
            throw .invalidTensor(name: name, reason: "dimensions \(dimensions) do not give an element count")
        }
        let type = DataType(rawValue: dataType)
        let width: Int
        switch type {
        case .bool: width = 1
        case .float, .int32: width = 4
        case .double, .int64: width = 8
        // Left empty: a node that reads it throws `unsupportedDataType` (`ImportedNode`), and
        // one nobody reads does not stop the file from importing.
        default: return
        }
        if let raw {
            let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow, raw.count == bytes else {
                throw .invalidTensor(
                    name: name,
                    reason: "raw_data holds \(raw.count) bytes, \(DataType.name(of: dataType)) \(dimensions) needs "
                        + (overflow ? "more than Int.max" : "\(bytes)"))
            }
            switch type {
            case .float:
                floats = Array(unsafeUninitializedCapacity: count) { buffer, initialized in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                    initialized = count
                }
            case .double: floats = (0..<count).map { Float(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self)) }
            case .int64: integers = (0..<count).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self) }
            case .bool: integers = raw.map { Int64($0) }
            default: integers = (0..<count).map { Int64(raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
            }
            return
        }
        let held: Int
        switch type {
        case .float: held = floats.count
        case .double: (floats, held) = (doubles, doubles.count)
        case .int64: held = integers.count
        default: (integers, held) = (int32s, int32s.count)
        }
        guard held == count else {
            throw .invalidTensor(
                name: name, reason: "dimensions \(dimensions) need \(count) values, the tensor holds \(held)")
        }
    }

    /// A FLOAT tensor with `dimensions` and `floats`, for export.
    init(name: String, dimensions: [Int], floats: [Float]) {
        self.name = name
        self.dimensions = dimensions.map(Int64.init)
        self.dataType = DataType.float.rawValue
        self.floats = floats
    }

    /// An INT64 tensor with `dimensions` and `integers`, for export.
    init(name: String, dimensions: [Int], integers: [Int64]) {
        self.name = name
        self.dimensions = dimensions.map(Int64.init)
        self.dataType = DataType.int64.rawValue
        self.integers = integers
    }

    /// Writes the tensor with its values as raw little-endian bytes.
    func encode(into writer: inout ProtobufWriter) {
        writer.writePackedInt64s(dimensions, field: 1)
        writer.writeInt64(Int64(dataType), field: 2)
        writer.writeString(name, field: 8)
        if dataType == DataType.float.rawValue {
            floats.withUnsafeBytes { writer.writeBytes($0, field: 9) }
        } else {
            integers.withUnsafeBytes { writer.writeBytes($0, field: 9) }
        }
    }
}
