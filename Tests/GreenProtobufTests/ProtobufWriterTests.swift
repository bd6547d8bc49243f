import Testing

@testable import GreenProtobuf

/// The wire-format writer: the byte vectors of protobuf's encoding guide, and every value read
/// back unchanged by `ProtobufReader`.
@Suite struct ProtobufWriterTests {
    /// The bytes `body` writes into a fresh writer.
    func written(_ body: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var writer = ProtobufWriter()
        body(&writer)
        return writer.bytes
    }

    // MARK: Known encodings

    @Test func writesTheEncodingGuideVectors() {
        #expect(written { $0.writeVarint(150, field: 1) } == [0x08, 0x96, 0x01])
        #expect(
            written { $0.writeString("testing", field: 2) } == [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67])
        #expect(
            written { $0.writeMessage(field: 3) { $0.writeVarint(150, field: 1) } } == [0x1A, 0x03, 0x08, 0x96, 0x01])
        #expect(
            written { $0.writePackedInt64s([3, 270, 86942], field: 6) }
                == [0x32, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05])
    }

    @Test func writesNegativeInt64AsTenBytes() {
        #expect(written { $0.writeInt64(-2, field: 1) } == [0x08, 0xFE] + [UInt8](repeating: 0xFF, count: 8) + [0x01])
        #expect(written { $0.writeInt64(0, field: 1) } == [0x08, 0x00])
    }

    @Test func writesFloatsAsLittleEndianFixed32() {
        #expect(written { $0.writeFloat(1, field: 1) } == [0x0D, 0x00, 0x00, 0x80, 0x3F])
        #expect(written { $0.writePackedFloats([1, -2], field: 2) } == [0x12, 0x08, 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
    }

    @Test func writesTheLargestFieldNumberAsAFiveByteTag() {
        #expect(written { $0.writeFloat(0, field: 536_870_911) } == [0xFD, 0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 0, 0])
    }

    @Test func writesNothingForEmptyPackedArrays() {
        #expect(written { $0.writePackedInt64s([], field: 1) }.isEmpty)
        #expect(written { $0.writePackedFloats([], field: 1) }.isEmpty)
        #expect(written { $0.writeBytes([], field: 1) } == [0x0A, 0x00])
    }

    @Test func writesNothingWhenAMessageBodyThrows() {
        struct Failure: Error {}
        var writer = ProtobufWriter()
        writer.writeVarint(1, field: 1)
        #expect(throws: Failure.self) {
            try writer.writeMessage(field: 2) { message in
                message.writeVarint(2, field: 1)
                throw Failure()
            }
        }
        #expect(writer.bytes == [0x08, 0x01])
    }

    @Test(arguments: [0, 1, 127, 128, 16_383, 16_384, 1 << 35, 1 << 63 - 1, 1 << 63, UInt64.max] as [UInt64])
    func varintSizeIsTheEncodedLength(value: UInt64) {
        let bytes = written { $0.writeVarint(value, field: 1) }
        #expect(ProtobufWriter.varintSize(value) == bytes.count - 1)
    }

    // MARK: Round trips

    @Test(arguments: [0, 1, 150, 1 << 35, UInt64.max - 1, UInt64.max])
    func roundTripsVarints(value: UInt64) throws {
        let bytes = written { $0.writeVarint(value, field: 1) }
        try withReader(bytes) { reader throws in
            #expect(try reader.nextField()?.wireType == .varint)
            #expect(try reader.readVarint() == value)
            #expect(reader.isAtEnd)
        }
    }

    @Test(arguments: [0, 1, -1, -2, 150, -150, Int64(Int32.min), Int64.min, Int64.max])
    func roundTripsInt64s(value: Int64) throws {
        let bytes = written { $0.writeInt64(value, field: 15) }
        #expect(bytes.count == 1 + ProtobufWriter.varintSize(UInt64(bitPattern: value)))
        if value < 0 { #expect(bytes.count == 11) }
        try withReader(bytes + bytes) { reader throws in
            #expect(try reader.nextField()?.number == 15)
            #expect(try reader.readInt64() == value)
            #expect(try reader.nextField()?.number == 15)
            #expect(try reader.readInt(field: 15) == Int(value))
            #expect(reader.isAtEnd)
        }
    }

    /// Every bit pattern survives: signed zeros, infinities, quiet and signalling NaNs with payloads.
    @Test(
        arguments: [
            0, 0x8000_0000, 0x3F80_0000, 0xBFC0_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0x7FA0_0001, 0xFFC1_2345,
            0x7F7F_FFFF, 0x0000_0001,
        ] as [UInt32])
    func roundTripsFloatBitPatterns(bits: UInt32) throws {
        let value = Float(bitPattern: bits)
        let bytes = written {
            $0.writeFloat(value, field: 1)
            $0.writePackedFloats([value, value], field: 2)
        }
        try withReader(bytes) { reader in
            var values: [Float] = []
            while let field = try reader.nextField() {
                try reader.readRepeatedFloat(wireType: field.wireType, field: field.number, into: &values)
            }
            #expect(values.map(\.bitPattern) == [bits, bits, bits])
        }
    }

    @Test(arguments: [0, 1, 127, 128, 300, 70_000])
    func roundTripsBytesOfEachLengthPrefixSize(count: Int) throws {
        let value = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let bytes = written { writer in
            writer.writeBytes(value, field: 4)
            value.withUnsafeBytes { buffer in writer.writeBytes(buffer, field: 5) }
        }
        #expect(bytes.count == 2 * (1 + ProtobufWriter.varintSize(UInt64(count)) + count))
        try withReader(bytes) { reader throws in
            #expect(try reader.nextField()?.number == 4)
            #expect(Array(try reader.readBytes()) == value)
            #expect(try reader.nextField()?.number == 5)
            #expect(Array(try reader.readBytes()) == value)
            #expect(reader.isAtEnd)
        }
    }

    @Test(arguments: ["", "testing", "héllo, 世界 🌍", "nul\u{0}inside"])
    func roundTripsStrings(value: String) throws {
        try withReader(written { $0.writeString(value, field: 3) }) { reader throws in
            #expect(try reader.nextField()?.number == 3)
            #expect(try reader.readString() == value)
        }
    }

    @Test func roundTripsPackedAndUnpackedRepeatedFields() throws {
        let integers: [Int64] = [0, 1, -1, 300, Int64.min, Int64.max]
        let floats: [Float] = [0, -0.0, 1.5, -.infinity]
        let bytes = written { writer in
            writer.writePackedInt64s(integers, field: 1)
            for value in integers { writer.writeInt64(value, field: 1) }
            writer.writePackedFloats(floats, field: 2)
            for value in floats { writer.writeFloat(value, field: 2) }
        }
        try withReader(bytes) { reader in
            var readIntegers: [Int64] = []
            var readFloats: [Float] = []
            while let field = try reader.nextField() {
                switch field.number {
                case 1: try reader.readRepeatedInt64(wireType: field.wireType, field: 1, into: &readIntegers)
                default: try reader.readRepeatedFloat(wireType: field.wireType, field: 2, into: &readFloats)
                }
            }
            #expect(readIntegers == integers + integers)
            #expect(readFloats.map(\.bitPattern) == (floats + floats).map(\.bitPattern))
        }
    }

    /// Three levels of messages, each with a field before and after its child, read back with
    /// every sub-reader's offset absolute.
    @Test func roundTripsNestedMessages() throws {
        let bytes = written { model in
            model.writeInt64(8, field: 1)
            model.writeMessage(field: 7) { graph in
                graph.writeString("main", field: 2)
                graph.writeMessage(field: 5) { tensor in
                    tensor.writePackedInt64s([2, 3], field: 1)
                    tensor.writeBytes([1, 2, 3, 4], field: 9)
                }
                graph.writeFloat(0.5, field: 3)
            }
            model.writeVarint(1, field: 8)
        }
        try withReader(bytes, baseOffset: 500) { reader in
            #expect(try reader.nextField()?.number == 1)
            #expect(try reader.readInt64() == 8)
            #expect(try reader.nextField()?.number == 7)
            var graph = try reader.readMessage()
            #expect(graph.offset == 504)
            #expect(try graph.nextField()?.number == 2)
            #expect(try graph.readString() == "main")
            #expect(try graph.nextField()?.number == 5)
            var tensor = try graph.readMessage()
            #expect(tensor.offset == 512)
            var dims: [Int64] = []
            let dimsField = try #require(try tensor.nextField())
            try tensor.readRepeatedInt64(wireType: dimsField.wireType, field: 1, into: &dims)
            #expect(dims == [2, 3])
            #expect(try tensor.nextField()?.number == 9)
            #expect(Array(try tensor.readBytes()) == [1, 2, 3, 4])
            #expect(tensor.isAtEnd)
            #expect(try graph.nextField()?.number == 3)
            #expect(try graph.readFloat() == 0.5)
            #expect(graph.isAtEnd)
            #expect(try reader.nextField()?.number == 8)
            #expect(try reader.readVarint() == 1)
            #expect(reader.isAtEnd)
        }
    }
}
