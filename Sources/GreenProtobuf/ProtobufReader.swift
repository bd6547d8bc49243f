/// A reader of the protobuf wire format over bytes it does not own (a mapped file, an array's
/// storage): fields are read in order, and bytes and nested messages are views into the
/// same memory, never copies.
///
/// Every read checks its bounds before touching memory and lengths are compared as `UInt64`,
/// so any input, however hostile, gives a value or a `ProtobufError` with an absolute byte
/// offset, never a trap. After an error the reader's position is unspecified: stop reading.
///
/// ```swift
/// var reader = ProtobufReader(buffer)
/// while let (number, wireType) = try reader.nextField() {
///     switch number {
///     case 1:
///         try reader.expect(.varint, actual: wireType, field: 1)
///         version = try reader.readInt64()
///     case 2:
///         try reader.expect(.lengthDelimited, actual: wireType, field: 2)
///         graph = try Graph(reading: reader.readMessage())
///     default:
///         try reader.skipField(wireType)
///     }
/// }
/// ```
///
/// The buffer must stay valid while the reader, its sub-readers and the views it returned are used.
public struct ProtobufReader {
    /// The largest field number protobuf allows, 2^29 - 1.
    static let maximumFieldNumber: UInt64 = (1 << 29) - 1

    /// The bytes read, indexed from 0.
    private let bytes: UnsafeRawBufferPointer
    /// The absolute offset of `bytes[0]`.
    private let baseOffset: Int
    /// The limits checked, passed on to sub-readers.
    private let limits: ProtobufLimits
    /// How many messages this reader is nested in (0 for the top level).
    private let depth: Int
    /// The index in `bytes` of the next byte to read.
    private var position = 0
    /// The number of the field whose tag `nextField()` read last, nil before the first.
    private var field: Int?
    /// The absolute offset of the tag `nextField()` read last, where wire type errors point.
    private var fieldOffset: Int

    /// Reads `bytes`; `baseOffset` is the absolute offset of `bytes[bytes.startIndex]` in the
    /// file, used in errors (`baseOffset + bytes.count` must fit `Int`).
    public init(_ bytes: UnsafeRawBufferPointer, baseOffset: Int = 0, limits: ProtobufLimits = .standard) {
        self.init(bytes, baseOffset: baseOffset, limits: limits, depth: 0)
    }

    /// A reader at nesting `depth`.
    private init(_ bytes: UnsafeRawBufferPointer, baseOffset: Int, limits: ProtobufLimits, depth: Int) {
        self.bytes = bytes
        self.baseOffset = baseOffset
        self.limits = limits
        self.depth = depth
        fieldOffset = baseOffset
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position >= bytes.count }

    /// The absolute offset of the next byte to read.
    public var offset: Int { baseOffset + position }

    /// The bytes not read yet.
    private var remaining: Int { bytes.count - position }

    /// The next field's number and wire type, nil at the end.
    /// - Throws: `.invalidFieldNumber` for field number 0 or one above 2^29 - 1,
    ///   `.unsupportedWireType` for wire types 3, 4, 6 and 7, and the errors of `readVarint()`.
    public mutating func nextField() throws(ProtobufError) -> (number: Int, wireType: WireType)? {
        guard !isAtEnd else { return nil }
        let start = position
        let tag = try readVarint()
        let number = tag >> 3
        guard number >= 1, number <= Self.maximumFieldNumber else {
            throw .invalidFieldNumber(Int(clamping: number), offset: baseOffset + start)
        }
        guard let wireType = WireType(rawValue: Int(tag & 7)) else {
            throw .unsupportedWireType(Int(tag & 7), field: Int(number), offset: baseOffset + start)
        }
        field = Int(number)
        fieldOffset = baseOffset + start
        return (Int(number), wireType)
    }

    /// A base-128 varint, least significant group first.
    /// - Throws: `.truncated` when the buffer ends inside it, `.malformedVarint` when it is
    ///   longer than 10 bytes or its value does not fit 64 bits.
    public mutating func readVarint() throws(ProtobufError) -> UInt64 {
        var value: UInt64 = 0
        var index = position
        var shift: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            // The tenth byte holds bit 63 only, and ends the varint.
            if shift == 63, byte > 1 { throw .malformedVarint(offset: offset) }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                position = index
                return value
            }
            shift += 7
        }
        throw .truncated(offset: offset, needed: index - position + 1, available: remaining)
    }

    /// A varint as a two's-complement `Int64`: protobuf's int64 and int32 encoding (negative
    /// values take 10 bytes).
    /// - Throws: The errors of `readVarint()`.
    public mutating func readInt64() throws(ProtobufError) -> Int64 {
        Int64(bitPattern: try readVarint())
    }

    /// An int64 varint of `field` that must fit `Int` (always true on 64-bit platforms).
    /// - Throws: `.valueOutOfRange` when it does not, and the errors of `readVarint()`.
    public mutating func readInt(field: Int) throws(ProtobufError) -> Int {
        let start = offset
        let value = try readInt64()
        guard let result = Int(exactly: value) else {
            throw .valueOutOfRange(field: field, value: value, offset: start)
        }
        return result
    }

    /// Four little-endian bytes.
    /// - Throws: `.truncated` when fewer than 4 bytes remain.
    public mutating func readFixed32() throws(ProtobufError) -> UInt32 {
        let start = try advance(by: 4)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt32.self))
    }

    /// Eight little-endian bytes.
    /// - Throws: `.truncated` when fewer than 8 bytes remain.
    public mutating func readFixed64() throws(ProtobufError) -> UInt64 {
        let start = try advance(by: 8)
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self))
    }

    /// An IEEE 754 single, four little-endian bytes (every bit pattern kept, NaN payloads included).
    /// - Throws: `.truncated` when fewer than 4 bytes remain.
    public mutating func readFloat() throws(ProtobufError) -> Float {
        Float(bitPattern: try readFixed32())
    }

    /// An IEEE 754 double, eight little-endian bytes (every bit pattern kept).
    /// - Throws: `.truncated` when fewer than 8 bytes remain.
    public mutating func readDouble() throws(ProtobufError) -> Double {
        Double(bitPattern: try readFixed64())
    }

    /// A length-delimited value: a view into the buffer, not a copy.
    /// - Throws: `.tooLong` when the length exceeds `limits.maximumLength`, `.truncated` when it
    ///   exceeds the bytes that remain, and the errors of `readVarint()` for the length.
    public mutating func readBytes() throws(ProtobufError) -> UnsafeRawBufferPointer {
        try readLengthDelimited().bytes
    }

    /// A length-delimited UTF-8 string, copied into a `String`.
    /// - Throws: `.invalidUTF8` (at the string's first byte) when the bytes are not valid UTF-8,
    ///   and the errors of `readBytes()`.
    public mutating func readString() throws(ProtobufError) -> String {
        let (view, start) = try readLengthDelimited()
        let string = String(decoding: view, as: UTF8.self)
        // Decoding replaces each invalid sequence with U+FFFD, so only valid UTF-8 decodes to itself.
        guard string.utf8.elementsEqual(view) else {
            throw .invalidUTF8(offset: baseOffset + start)
        }
        return string
    }

    /// A nested message: a reader over its length-delimited bytes, one level deeper, whose
    /// offsets are absolute in the same file.
    /// - Throws: `.tooDeep` when this reader is already `limits.maximumDepth` messages deep,
    ///   and the errors of `readBytes()`.
    public mutating func readMessage() throws(ProtobufError) -> ProtobufReader {
        guard depth < limits.maximumDepth else { throw .tooDeep(limit: limits.maximumDepth, offset: offset) }
        let (view, start) = try readLengthDelimited()
        return ProtobufReader(view, baseOffset: baseOffset + start, limits: limits, depth: depth + 1)
    }

    /// Skips the value of a field of wire type `wireType` (an unknown field).
    /// - Throws: The errors of the read that the wire type calls for.
    public mutating func skipField(_ wireType: WireType) throws(ProtobufError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try advance(by: 8)
        case .lengthDelimited: _ = try readLengthDelimited()
        case .fixed32: _ = try advance(by: 4)
        }
    }

    /// A repeated int64 field's values: when `wireType` is `.lengthDelimited`, a packed run
    /// (appended); when `.varint`, one element. Both forms may alternate in one message.
    /// - Throws: `.wrongWireType` (expecting `.varint`) for any other wire type,
    ///   `.malformedPackedField` for a packed run that ends inside a varint, and the errors of
    ///   `readVarint()` and `readBytes()`.
    public mutating func readRepeatedInt64(
        wireType: WireType, field: Int, into values: inout [Int64]
    ) throws(ProtobufError) {
        switch wireType {
        case .varint:
            values.append(try readInt64())
        case .lengthDelimited:
            let (view, start) = try readLengthDelimited()
            var run = ProtobufReader(view, baseOffset: baseOffset + start, limits: limits, depth: depth)
            while !run.isAtEnd {
                do {
                    values.append(try run.readInt64())
                } catch .truncated {
                    throw .malformedPackedField(field: field, offset: run.offset)
                }
            }
        default:
            throw .wrongWireType(field: field, expected: .varint, actual: wireType, offset: fieldOffset)
        }
    }

    /// A repeated float field's values: when `wireType` is `.lengthDelimited`, a packed run of
    /// fixed32 values (appended); when `.fixed32`, one element.
    /// - Throws: `.malformedPackedField` for a packed run whose length is not a multiple of 4,
    ///   `.wrongWireType` (expecting `.fixed32`) for any other wire type, and the errors of
    ///   `readFloat()` and `readBytes()`.
    public mutating func readRepeatedFloat(
        wireType: WireType, field: Int, into values: inout [Float]
    ) throws(ProtobufError) {
        switch wireType {
        case .fixed32:
            values.append(try readFloat())
        case .lengthDelimited:
            let (view, start) = try readLengthDelimited()
            guard view.count % 4 == 0 else {
                throw .malformedPackedField(field: field, offset: baseOffset + start)
            }
            // A collection of known count, so the array grows once (geometrically, even when
            // many small runs are appended to it).
            values.append(
                contentsOf: (0..<view.count / 4).lazy.map { index in
                    Float(
                        bitPattern: UInt32(littleEndian: view.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
                    )
                })
        default:
            throw .wrongWireType(field: field, expected: .fixed32, actual: wireType, offset: fieldOffset)
        }
    }

    /// Checks that a field has the wire type its schema says.
    /// - Throws: `.wrongWireType(field:expected:actual:offset:)` otherwise, at the offset of the
    ///   tag `nextField()` read last.
    public func expect(_ expected: WireType, actual: WireType, field: Int) throws(ProtobufError) {
        guard actual == expected else {
            throw .wrongWireType(field: field, expected: expected, actual: actual, offset: fieldOffset)
        }
    }

    /// Moves past `count` bytes, returning the index of the first.
    /// - Throws: `.truncated` when fewer than `count` remain.
    private mutating func advance(by count: Int) throws(ProtobufError) -> Int {
        guard count <= remaining else { throw .truncated(offset: offset, needed: count, available: remaining) }
        defer { position += count }
        return position
    }

    /// A varint length, checked against the limit and then against the bytes that remain
    /// (as `UInt64`, so no length can overflow), and the view it delimits with the view's index.
    private mutating func readLengthDelimited() throws(ProtobufError) -> (bytes: UnsafeRawBufferPointer, start: Int) {
        let lengthOffset = offset
        let length = try readVarint()
        guard length <= UInt64(clamping: limits.maximumLength) else {
            throw .tooLong(field: field, length: length, limit: limits.maximumLength, offset: lengthOffset)
        }
        guard length <= UInt64(remaining) else {
            throw .truncated(offset: offset, needed: Int(length), available: remaining)
        }
        let start = position
        position += Int(length)
        return (UnsafeRawBufferPointer(rebasing: bytes[start..<position]), start)
    }
}
