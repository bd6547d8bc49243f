import GreenProtobuf

extension ProtobufReader {
    /// An `int64` / `int32` / enum field's value, after checking it arrived as a varint.
    /// - Throws: `ProtobufError` for another wire type or a broken varint.
    mutating func int(_ wire: WireType, field: Int) throws -> Int {
        try expect(.varint, actual: wire, field: field)
        return try readInt(field: field)
    }

    /// A `string` field's value, after checking it arrived length-delimited.
    /// - Throws: `ProtobufError` for another wire type, a truncated field or invalid UTF-8.
    mutating func string(_ wire: WireType, field: Int) throws -> String {
        try expect(.lengthDelimited, actual: wire, field: field)
        return try readString()
    }

    /// A nested message's reader, after checking it arrived length-delimited.
    /// - Throws: `ProtobufError` for another wire type, a truncated field or too deep a nesting.
    mutating func message(_ wire: WireType, field: Int) throws -> ProtobufReader {
        try expect(.lengthDelimited, actual: wire, field: field)
        return try readMessage()
    }
}
