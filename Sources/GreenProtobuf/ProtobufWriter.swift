/// A writer of the protobuf wire format: each call appends one field (tag, then value) to
/// `bytes`, in the order called.
///
/// Field numbers are schema constants and must lie in 1...536_870_911 (2^29 - 1); any other
/// number is a programming error and traps.
///
/// ```swift
/// var writer = ProtobufWriter()
/// writer.writeInt64(8, field: 1)
/// writer.writeMessage(field: 7) { graph in
///     graph.writeString("main", field: 2)
/// }
/// try AtomicFile.write(Data(writer.bytes), to: path)
/// ```
///
/// A nested message is written into a fresh writer and then copied into its parent, so each
/// byte is copied once per level it is nested in; `writeBytes` appends its value in one copy.
public struct ProtobufWriter {
    /// The encoded fields written so far.
    public private(set) var bytes: [UInt8]

    /// The most bytes a length-delimited field takes before its value: a 5-byte tag and a
    /// 10-byte length.
    static let maximumPrefixSize = 15

    /// An empty writer.
    public init() {
        bytes = []
    }

    /// A varint field (uint64, uint32, bool or a non-negative enum).
    public mutating func writeVarint(_ value: UInt64, field: Int) {
        appendTag(field, .varint)
        appendVarint(value)
    }

    /// An int64 or int32 field: a varint of the two's complement, so a negative value takes
    /// 10 bytes, as protobuf writes it.
    public mutating func writeInt64(_ value: Int64, field: Int) {
        writeVarint(UInt64(bitPattern: value), field: field)
    }

    /// A float field: its bit pattern as four little-endian bytes.
    public mutating func writeFloat(_ value: Float, field: Int) {
        appendTag(field, .fixed32)
        appendLittleEndian(value.bitPattern)
    }

    /// A bytes field (or any length-delimited value already encoded), appended in one copy.
    public mutating func writeBytes(_ value: UnsafeRawBufferPointer, field: Int) {
        reserve(Self.maximumPrefixSize + value.count)
        appendTag(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A bytes field.
    public mutating func writeBytes(_ value: [UInt8], field: Int) {
        value.withUnsafeBytes { writeBytes($0, field: field) }
    }

    /// A string field: its UTF-8 bytes.
    public mutating func writeString(_ value: String, field: Int) {
        var value = value
        value.withUTF8 { writeBytes(UnsafeRawBufferPointer($0), field: field) }
    }

    /// A nested message: `body` writes its fields into a fresh writer, then this writes the
    /// length-delimited result. Nothing is written when `body` throws.
    public mutating func writeMessage(field: Int, _ body: (inout ProtobufWriter) throws -> Void) rethrows {
        var message = ProtobufWriter()
        try body(&message)
        writeBytes(message.bytes, field: field)
    }

    /// A packed repeated int64 field: one length-delimited run of varints (negative values take
    /// 10 bytes each). Nothing is written for an empty array, as protobuf does.
    public mutating func writePackedInt64s(_ values: [Int64], field: Int) {
        guard !values.isEmpty else { return }
        let length = values.reduce(0) { $0 + Self.varintSize(UInt64(bitPattern: $1)) }
        reserve(Self.maximumPrefixSize + length)
        appendTag(field, .lengthDelimited)
        appendVarint(UInt64(length))
        for value in values { appendVarint(UInt64(bitPattern: value)) }
    }

    /// A packed repeated float field: one length-delimited run of four-byte little-endian
    /// values. Nothing is written for an empty array, as protobuf does.
    public mutating func writePackedFloats(_ values: [Float], field: Int) {
        guard !values.isEmpty else { return }
        reserve(Self.maximumPrefixSize + 4 * values.count)
        appendTag(field, .lengthDelimited)
        appendVarint(UInt64(4 * values.count))
        for value in values { appendLittleEndian(value.bitPattern) }
    }

    /// The number of bytes of `value` as a varint, 1 to 10.
    static func varintSize(_ value: UInt64) -> Int {
        // One byte per started group of 7 significant bits; 0 still takes one byte.
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    /// Makes room for `count` more bytes, at least doubling the capacity when it grows: an
    /// exact `reserveCapacity` for each of many small fields would copy quadratically.
    private mutating func reserve(_ count: Int) {
        let needed = bytes.count + count
        if needed > bytes.capacity { bytes.reserveCapacity(Swift.max(needed, 2 * bytes.capacity)) }
    }

    /// A tag: the field number and the wire type.
    private mutating func appendTag(_ field: Int, _ wireType: WireType) {
        precondition(
            field >= 1 && UInt64(field) <= ProtobufReader.maximumFieldNumber,
            "protobuf field number \(field) is outside 1...536870911")
        appendVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// `value` as a base-128 varint, least significant group first.
    private mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// `value` as four little-endian bytes.
    private mutating func appendLittleEndian(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
