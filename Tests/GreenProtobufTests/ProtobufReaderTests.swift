import GreenProtobuf
import Testing

/// The wire-format reader: the byte vectors of protobuf's encoding guide, zero-copy views, and
/// every malformed input rejected with a `ProtobufError` at its absolute offset, never a trap.
@Suite struct ProtobufReaderTests {
    /// Expects reading `bytes` with `body` to throw exactly `error`.
    func expectError(
        _ error: ProtobufError, _ bytes: [UInt8], baseOffset: Int = 0, limits: ProtobufLimits = .standard,
        sourceLocation: SourceLocation = #_sourceLocation, _ body: (inout ProtobufReader) throws -> Void
    ) {
        #expect(throws: error, sourceLocation: sourceLocation) {
            try withReader(bytes, baseOffset: baseOffset, limits: limits, body)
        }
    }

    // MARK: Known encodings

    @Test func readsTheEncodingGuideVarint() throws {
        // Test1 { int32 a = 1; } with a = 150.
        try withReader([0x08, 0x96, 0x01]) { reader in
            let field = try reader.nextField()
            #expect(field?.number == 1)
            #expect(field?.wireType == .varint)
            #expect(try reader.readVarint() == 150)
            #expect(reader.isAtEnd)
            #expect(try reader.nextField() == nil)
        }
    }

    @Test func readsTheEncodingGuideString() throws {
        // Test2 { string b = 2; } with b = "testing".
        try withReader([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67]) { reader in
            let field = try reader.nextField()
            #expect(field?.number == 2)
            #expect(field?.wireType == .lengthDelimited)
            #expect(try reader.readString() == "testing")
            #expect(reader.isAtEnd)
        }
    }

    @Test func readsTheEncodingGuideNestedMessage() throws {
        // Test3 { Test1 c = 3; } with c.a = 150.
        try withReader([0x1A, 0x03, 0x08, 0x96, 0x01]) { reader in
            #expect(try reader.nextField()?.number == 3)
            var message = try reader.readMessage()
            #expect(message.offset == 2)
            #expect(try message.nextField()?.number == 1)
            #expect(try message.readVarint() == 150)
            #expect(message.isAtEnd)
            #expect(reader.isAtEnd)
        }
    }

    @Test func readsTheEncodingGuidePackedRun() throws {
        // Test5 { repeated int32 f = 6 [packed = true]; } with f = [3, 270, 86942].
        try withReader([0x32, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05]) { reader in
            let field = try #require(try reader.nextField())
            #expect(field.number == 6)
            var values: [Int64] = [1]
            try reader.readRepeatedInt64(wireType: field.wireType, field: 6, into: &values)
            #expect(values == [1, 3, 270, 86942])
            #expect(reader.isAtEnd)
        }
    }

    @Test func readsNegativeIntegersAsTenByteVarints() throws {
        // int64 -2: the two's complement, 10 bytes.
        try withReader([0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) { reader throws in
            #expect(try reader.readInt64() == -2)
            #expect(reader.offset == 10)
        }
        try withReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) { reader throws in
            #expect(try reader.readInt(field: 1) == -1)
        }
    }

    @Test func readsTheLargestVarintAndOneByteVarints() throws {
        try withReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x7F]) { reader throws in
            #expect(try reader.readVarint() == UInt64.max)
            #expect(try reader.readVarint() == 0)
            #expect(try reader.readVarint() == 127)
            #expect(reader.isAtEnd)
        }
    }

    @Test func readsLittleEndianFixedValues() throws {
        let bytes: [UInt8] = [
            0x00, 0x00, 0x80, 0x3F,  // Float 1
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0xBF,  // Double -1
            0x01, 0x02, 0x03, 0x04,
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
        ]
        try withReader(bytes) { reader throws in
            #expect(try reader.readFloat() == 1)
            #expect(try reader.readDouble() == -1)
            #expect(try reader.readFixed32() == 0x0403_0201)
            #expect(try reader.readFixed64() == 0x0807_0605_0403_0201)
            #expect(reader.isAtEnd)
        }
    }

    @Test func readsTheLargestFieldNumber() throws {
        // Field 2^29 - 1, wire type 5: tag 0xFFFFFFFD.
        try withReader([0xFD, 0xFF, 0xFF, 0xFF, 0x0F]) { reader in
            let field = try reader.nextField()
            #expect(field?.number == 536_870_911)
            #expect(field?.wireType == .fixed32)
        }
    }

    @Test func bytesAreAViewIntoTheBuffer() throws {
        let bytes: [UInt8] = [0x0A, 0x03, 0x61, 0x62, 0x63, 0x12, 0x00]
        try bytes.withUnsafeBytes { buffer in
            var reader = ProtobufReader(buffer)
            _ = try reader.nextField()
            let view = try reader.readBytes()
            #expect(view.baseAddress == buffer.baseAddress.map { $0 + 2 })
            #expect(Array(view) == [0x61, 0x62, 0x63])
            _ = try reader.nextField()
            #expect(try reader.readBytes().isEmpty)
            #expect(reader.isAtEnd)
        }
    }

    @Test func anEmptyBufferHasNoFields() throws {
        try withReader([], baseOffset: 40) { reader throws in
            #expect(reader.isAtEnd)
            #expect(reader.offset == 40)
            #expect(try reader.nextField() == nil)
        }
    }

    // MARK: Repeated fields

    @Test func readsUnpackedAndPackedRepeatedInt64sOfOneField() throws {
        // Field 4 twice unpacked (proto2's default, as ONNX writes dims), then one packed run.
        let bytes: [UInt8] = [
            0x20, 0x01, 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x22, 0x02, 0x05, 0x06,
        ]
        let values = try withReader(bytes) { reader in
            var values: [Int64] = []
            while let field = try reader.nextField() {
                try reader.readRepeatedInt64(wireType: field.wireType, field: field.number, into: &values)
            }
            return values
        }
        #expect(values == [1, -1, 5, 6])
    }

    @Test func readsUnpackedAndPackedRepeatedFloatsOfOneField() throws {
        let bytes: [UInt8] = [
            0x0D, 0x00, 0x00, 0x80, 0x3F, 0x0A, 0x08, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0xC0, 0x7F, 0x0A, 0x00,
        ]
        let values = try withReader(bytes) { reader in
            var values: [Float] = []
            while let field = try reader.nextField() {
                try reader.readRepeatedFloat(wireType: field.wireType, field: field.number, into: &values)
            }
            return values
        }
        #expect(values.map(\.bitPattern) == [0x3F80_0000, 0x8000_0000, 0x7FC0_0000])
    }

    @Test func rejectsAPackedFloatRunOfFiveBytes() {
        expectError(.malformedPackedField(field: 3, offset: 12), [0x1A, 0x05, 0, 0, 0x80, 0x3F, 0], baseOffset: 10) {
            reader in
            var values: [Float] = []
            let field = try #require(try reader.nextField())
            try reader.readRepeatedFloat(wireType: field.wireType, field: field.number, into: &values)
        }
    }

    @Test func rejectsAPackedVarintRunEndingInsideAVarint() {
        expectError(.malformedPackedField(field: 1, offset: 3), [0x0A, 0x02, 0x01, 0x96, 0x01]) { reader in
            var values: [Int64] = []
            let field = try #require(try reader.nextField())
            try reader.readRepeatedInt64(wireType: field.wireType, field: field.number, into: &values)
        }
    }

    @Test func rejectsAnElevenByteVarintInsideAPackedRun() {
        let run: [UInt8] = [0x01] + [UInt8](repeating: 0xFF, count: 10) + [0x01]
        expectError(.malformedVarint(offset: 3), [0x0A, UInt8(run.count)] + run) { reader in
            var values: [Int64] = []
            _ = try reader.nextField()
            try reader.readRepeatedInt64(wireType: .lengthDelimited, field: 1, into: &values)
        }
    }

    @Test func rejectsRepeatedFieldsOfTheWrongWireType() {
        expectError(
            .wrongWireType(field: 1, expected: .varint, actual: .fixed32, offset: 2), [0x08, 0x01, 0x0D, 0, 0, 0, 0]
        ) {
            reader in
            var values: [Int64] = []
            while let field = try reader.nextField() {
                try reader.readRepeatedInt64(wireType: field.wireType, field: field.number, into: &values)
            }
        }
        expectError(.wrongWireType(field: 1, expected: .fixed32, actual: .varint, offset: 0), [0x08, 0x01]) { reader in
            var values: [Float] = []
            let field = try #require(try reader.nextField())
            try reader.readRepeatedFloat(wireType: field.wireType, field: field.number, into: &values)
        }
    }

    @Test func expectThrowsForAnotherWireTypeAtTheTag() throws {
        try withReader([0x08, 0x01, 0x15, 0, 0, 0, 0]) { reader in
            let first = try #require(try reader.nextField())
            try reader.expect(.varint, actual: first.wireType, field: 1)
            _ = try reader.readVarint()
            let second = try #require(try reader.nextField())
            #expect(throws: ProtobufError.wrongWireType(field: 2, expected: .varint, actual: .fixed32, offset: 2)) {
                try reader.expect(.varint, actual: second.wireType, field: 2)
            }
        }
    }

    // MARK: Skipping

    /// Each wire type is skipped to the next field: a varint field 9 after it, at `sentinel`.
    @Test(arguments: [
        (WireType.varint, [UInt8]([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]), 11),
        (.fixed64, [0x09, 1, 2, 3, 4, 5, 6, 7, 8], 9),
        (.lengthDelimited, [0x0A, 0x03, 0x0A, 0x01, 0x00], 5),
        (.fixed32, [0x0D, 1, 2, 3, 4], 5),
    ])
    func skipsAFieldOfEachWireType(wireType: WireType, field: [UInt8], sentinel: Int) throws {
        try withReader(field + [0x48, 0x07]) { reader in
            #expect(try reader.nextField()?.wireType == wireType)
            try reader.skipField(wireType)
            #expect(reader.offset == sentinel)
            #expect(try reader.nextField()?.number == 9)
            #expect(try reader.readVarint() == 7)
        }
    }

    @Test(arguments: [
        (WireType.varint, [UInt8]([0x08, 0x80]), ProtobufError.truncated(offset: 1, needed: 2, available: 1)),
        (.fixed64, [0x09, 1, 2, 3], .truncated(offset: 1, needed: 8, available: 3)),
        (.lengthDelimited, [0x0A, 0x03, 0x00], .truncated(offset: 2, needed: 3, available: 1)),
        (.fixed32, [0x0D], .truncated(offset: 1, needed: 4, available: 0)),
    ])
    func rejectsSkippingPastTheEnd(wireType: WireType, bytes: [UInt8], error: ProtobufError) {
        expectError(error, bytes) { reader in
            _ = try reader.nextField()
            try reader.skipField(wireType)
        }
    }

    // MARK: Malformed input

    @Test func rejectsATruncatedVarint() {
        expectError(.truncated(offset: 100, needed: 2, available: 1), [0x96], baseOffset: 100) { reader in
            _ = try reader.readVarint()
        }
        expectError(.truncated(offset: 1, needed: 3, available: 2), [0x08, 0x96, 0x80]) { reader in
            _ = try reader.nextField()
            _ = try reader.readVarint()
        }
        expectError(.truncated(offset: 0, needed: 2, available: 1), [0x80]) { reader in
            _ = try reader.nextField()
        }
    }

    @Test func rejectsAnElevenByteVarint() {
        expectError(.malformedVarint(offset: 1), [0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01]) { reader in
            _ = try reader.nextField()
            _ = try reader.readVarint()
        }
        expectError(.malformedVarint(offset: 0), [UInt8](repeating: 0x80, count: 10)) { reader in
            _ = try reader.readVarint()
        }
    }

    @Test func rejectsATenByteVarintAbove64Bits() {
        expectError(.malformedVarint(offset: 0), [UInt8](repeating: 0xFF, count: 9) + [0x02]) { reader in
            _ = try reader.readVarint()
        }
    }

    @Test func rejectsTruncatedFixedValues() {
        expectError(.truncated(offset: 5, needed: 4, available: 3), [0, 0, 0], baseOffset: 5) { reader in
            _ = try reader.readFloat()
        }
        expectError(.truncated(offset: 0, needed: 8, available: 7), [UInt8](repeating: 0, count: 7)) { reader in
            _ = try reader.readDouble()
        }
    }

    @Test func rejectsALengthBeyondTheEnd() {
        expectError(.truncated(offset: 2, needed: 5, available: 2), [0x0A, 0x05, 0x61, 0x62]) { reader in
            _ = try reader.nextField()
            _ = try reader.readBytes()
        }
    }

    @Test func rejectsALengthAboveTheLimit() {
        let limits = ProtobufLimits(maximumLength: 3)
        expectError(.tooLong(field: 1, length: 4, limit: 3, offset: 1), [0x0A, 0x04, 1, 2, 3, 4], limits: limits) {
            reader in
            _ = try reader.nextField()
            _ = try reader.readBytes()
        }
        expectError(.tooLong(field: nil, length: 4, limit: 3, offset: 0), [0x04, 1, 2, 3, 4], limits: limits) {
            reader in
            _ = try reader.readMessage()
        }
        #expect(throws: Never.self) {
            try withReader([0x0A, 0x03, 1, 2, 3], limits: limits) { reader in
                _ = try reader.nextField()
                _ = try reader.readBytes()
            }
        }
    }

    /// A length of 2^64 - 1 is above the default limit; one of 2^63 - 1, under a limit of
    /// `Int.max`, is compared without overflow and found beyond the end.
    @Test func comparesHugeLengthsWithoutOverflow() {
        let largest: [UInt8] = [UInt8](repeating: 0xFF, count: 9) + [0x01]
        expectError(.tooLong(field: 2, length: .max, limit: 2_147_483_647, offset: 1), [0x12] + largest + [0]) {
            reader in
            _ = try reader.nextField()
            try reader.skipField(.lengthDelimited)
        }
        let intMax: [UInt8] = [UInt8](repeating: 0xFF, count: 8) + [0x7F]
        expectError(
            .truncated(offset: 10, needed: .max, available: 1), [0x12] + intMax + [0],
            limits: ProtobufLimits(maximumLength: .max)
        ) { reader in
            _ = try reader.nextField()
            _ = try reader.readString()
        }
    }

    @Test func rejectsMessagesNestedBeyondTheDepthLimit() throws {
        let bytes: [UInt8] = [0x0A, 0x04, 0x0A, 0x02, 0x0A, 0x00]
        expectError(.tooDeep(limit: 2, offset: 5), bytes, limits: ProtobufLimits(maximumDepth: 2)) { reader in
            _ = try reader.nextField()
            var child = try reader.readMessage()
            _ = try child.nextField()
            var grandchild = try child.readMessage()
            _ = try grandchild.nextField()
            _ = try grandchild.readMessage()
        }
        try withReader(bytes, limits: ProtobufLimits(maximumDepth: 3)) { reader in
            _ = try reader.nextField()
            var child = try reader.readMessage()
            _ = try child.nextField()
            var grandchild = try child.readMessage()
            _ = try grandchild.nextField()
            #expect(try grandchild.readMessage().isAtEnd)
        }
    }

    @Test(arguments: [3, 4, 6, 7])
    func rejectsGroupAndUnassignedWireTypes(wireType: Int) {
        // Field 2 after a one-byte field 1.
        expectError(.unsupportedWireType(wireType, field: 2, offset: 2), [0x08, 0x00, UInt8(2 << 3 | wireType)]) {
            reader in
            while try reader.nextField() != nil { _ = try reader.readVarint() }
        }
    }

    @Test func rejectsFieldNumbersZeroAndAbove29Bits() {
        expectError(.invalidFieldNumber(0, offset: 0), [0x00, 0x00]) { reader in
            _ = try reader.nextField()
        }
        expectError(.invalidFieldNumber(0, offset: 0), [0x02, 0x00]) { reader in
            _ = try reader.nextField()
        }
        // Field 2^29: tag 2^32.
        expectError(.invalidFieldNumber(536_870_912, offset: 3), [0x80, 0x80, 0x80, 0x80, 0x10], baseOffset: 3) {
            reader in
            _ = try reader.nextField()
        }
        // A tag of 2^64 - 1.
        expectError(.invalidFieldNumber((1 << 61) - 1, offset: 0), [UInt8](repeating: 0xFF, count: 9) + [0x01]) {
            reader in
            _ = try reader.nextField()
        }
    }

    @Test(arguments: [
        [UInt8]([0xC3, 0x28]), [0x80], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0x61, 0xE2, 0x82],
    ])
    func rejectsInvalidUTF8(string: [UInt8]) {
        expectError(.invalidUTF8(offset: 4), [0x08, 0x01, 0x12, UInt8(string.count)] + string) { reader in
            _ = try reader.nextField()
            _ = try reader.readVarint()
            _ = try reader.nextField()
            _ = try reader.readString()
        }
    }

    @Test func readsMultibyteUTF8() throws {
        let text = "héllo, 世界 🌍"
        try withReader([0x0A, UInt8(text.utf8.count)] + Array(text.utf8)) { reader in
            _ = try reader.nextField()
            #expect(try reader.readString() == text)
        }
    }

    /// Errors inside nested messages give offsets in the whole file, not in the message.
    @Test func errorsInNestedMessagesGiveAbsoluteOffsets() {
        // At file offset 1000: field 1 = 1; field 2 = { field 3 = { field 4 = "\u{FF}" } }.
        let bytes: [UInt8] = [0x08, 0x01, 0x12, 0x05, 0x1A, 0x03, 0x22, 0x01, 0xFF]
        expectError(.invalidUTF8(offset: 1008), bytes, baseOffset: 1000) { reader in
            while let field = try reader.nextField() {
                guard field.number == 2 else {
                    try reader.skipField(field.wireType)
                    continue
                }
                var message = try reader.readMessage()
                #expect(message.offset == 1004)
                _ = try message.nextField()
                var inner = try message.readMessage()
                #expect(inner.offset == 1006)
                let innerField = try #require(try inner.nextField())
                #expect(
                    throws: ProtobufError.wrongWireType(
                        field: 4, expected: .varint, actual: .lengthDelimited, offset: 1006)
                ) {
                    try inner.expect(.varint, actual: innerField.wireType, field: 4)
                }
                _ = try inner.readString()
            }
        }
        // At file offset 1000: field 2 = { field 1 = a float cut after 3 bytes }.
        expectError(.truncated(offset: 1003, needed: 4, available: 3), [0x12, 0x04, 0x0D, 0, 0, 0], baseOffset: 1000) {
            reader in
            _ = try reader.nextField()
            var message = try reader.readMessage()
            _ = try message.nextField()
            _ = try message.readFloat()
        }
        expectError(.truncated(offset: 1002, needed: 5, available: 4), [0x12, 0x05, 0x0D, 0, 0, 0], baseOffset: 1000) {
            reader in
            _ = try reader.nextField()
            _ = try reader.readMessage()
        }
    }

    @Test func errorsDescribeTheirByteOffset() {
        let errors: [ProtobufError] = [
            .truncated(offset: 7, needed: 4, available: 2), .malformedVarint(offset: 7),
            .invalidFieldNumber(0, offset: 7), .unsupportedWireType(3, field: 1, offset: 7),
            .wrongWireType(field: 1, expected: .varint, actual: .fixed32, offset: 7),
            .tooLong(field: 1, length: 9, limit: 8, offset: 7), .tooLong(field: nil, length: 9, limit: 8, offset: 7),
            .tooDeep(limit: 64, offset: 7), .invalidUTF8(offset: 7), .malformedPackedField(field: 1, offset: 7),
            .valueOutOfRange(field: 1, value: -1, offset: 7),
        ]
        for error in errors {
            #expect(error.description.hasPrefix("protobuf: "), "\(error)")
            #expect(error.description.contains("at byte 7"), "\(error)")
        }
        #expect(
            ProtobufError.wrongWireType(field: 1, expected: .varint, actual: .fixed32, offset: 7).description
                == "protobuf: field 1 at byte 7 has wire type fixed32, expected varint")
    }
}
