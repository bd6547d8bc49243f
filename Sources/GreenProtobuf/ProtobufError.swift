/// Why protobuf bytes could not be read. Every case gives the absolute byte offset in the file
/// (the reader's `baseOffset` plus the position in its buffer) where the problem starts, and
/// the field number when one is known.
public enum ProtobufError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The value starting at `offset` needs `needed` bytes, but only `available` remain.
    case truncated(offset: Int, needed: Int, available: Int)
    /// The varint at `offset` is longer than 10 bytes or does not fit 64 bits.
    case malformedVarint(offset: Int)
    /// The tag at `offset` holds a field number outside 1...536_870_911 (2^29 - 1).
    case invalidFieldNumber(Int, offset: Int)
    /// The tag at `offset` holds a wire type that is not read: a group (3, 4) or an unassigned one (6, 7).
    case unsupportedWireType(Int, field: Int, offset: Int)
    /// The field whose tag is at `offset` has wire type `actual`, where its schema says `expected`.
    case wrongWireType(field: Int, expected: WireType, actual: WireType, offset: Int)
    /// The length-delimited field whose length is at `offset` declares `length` bytes, more than `limit`
    /// (`field` is nil when no tag was read before it).
    case tooLong(field: Int?, length: UInt64, limit: Int, offset: Int)
    /// The message at `offset` would nest deeper than `limit` messages.
    case tooDeep(limit: Int, offset: Int)
    /// The string whose bytes start at `offset` is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// The packed run of `field` is not a whole number of elements: a float run whose length is
    /// not a multiple of 4 (`offset` is the run's first byte), or a varint run that ends inside
    /// its last varint (`offset` is that varint's first byte).
    case malformedPackedField(field: Int, offset: Int)
    /// The varint of `field` at `offset` holds `value`, which does not fit the type asked for.
    case valueOutOfRange(field: Int, value: Int64, offset: Int)

    /// One sentence naming the problem and its absolute byte offset.
    public var description: String {
        switch self {
        case let .truncated(offset, needed, available):
            "protobuf: the value at byte \(offset) needs \(needed) bytes, but only \(available) remain"
        case let .malformedVarint(offset):
            "protobuf: the varint at byte \(offset) is longer than 10 bytes or does not fit 64 bits"
        case let .invalidFieldNumber(number, offset):
            "protobuf: the tag at byte \(offset) has field number \(number), outside 1...536870911"
        case let .unsupportedWireType(wireType, field, offset):
            "protobuf: field \(field) at byte \(offset) has wire type \(wireType), which is not supported"
        case let .wrongWireType(field, expected, actual, offset):
            "protobuf: field \(field) at byte \(offset) has wire type \(actual), expected \(expected)"
        case let .tooLong(field, length, limit, offset):
            "protobuf: \(field.map { "field \($0)" } ?? "a length-delimited value") at byte \(offset) declares "
                + "\(length) bytes, more than the limit of \(limit)"
        case let .tooDeep(limit, offset):
            "protobuf: the message at byte \(offset) nests deeper than the limit of \(limit) messages"
        case let .invalidUTF8(offset):
            "protobuf: the string at byte \(offset) is not valid UTF-8"
        case let .malformedPackedField(field, offset):
            "protobuf: the packed field \(field) at byte \(offset) does not hold a whole number of elements"
        case let .valueOutOfRange(field, value, offset):
            "protobuf: field \(field) at byte \(offset) holds \(value), which is out of range"
        }
    }
}
