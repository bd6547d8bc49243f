import Foundation
import Testing

@testable import GreenNN

/// `IDX`: good raw and gzipped files read back exactly; each kind of damage throws an
/// `IDXError` naming the file and the byte offset.
@Suite struct IDXTests {
    @Test(arguments: [false, true])
    func readsLabelsAndImages(_ gzipped: Bool) throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        func encode(_ bytes: [UInt8]) -> [UInt8] { gzipped ? IDXFixture.gzip(bytes) : bytes }
        let labelsPath = try fixture.write("labels", encode(IDXFixture.labels([3, 1, 4, 1, 5])))
        let imagesPath = try fixture.write("images", encode(IDXFixture.images(count: 5, rows: 3, columns: 2)))
        #expect(try IDX.readLabels(at: labelsPath) == [3, 1, 4, 1, 5])
        let images = try IDX.readImages(at: imagesPath)
        #expect(
            images.count == 5 && images.rows == 3 && images.columns == 2 && images.pixels == (0..<30).map(UInt8.init))
    }

    @Test func readsLargeAndMultiMemberGzip() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let file = IDXFixture.images(count: 300, rows: 28, columns: 28)  // 235,216 bytes: several stored blocks
        let split = 100_000
        let path = try fixture.write(
            "images.gz", IDXFixture.gzip(Array(file[..<split])) + IDXFixture.gzip(Array(file[split...])))
        #expect(try IDX.readImages(at: path).pixels == Array(file[16...]))
    }

    @Test func rejectsTheWrongMagicNumber() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let path = try fixture.write("images", IDXFixture.images(count: 2, rows: 2, columns: 2))
        #expect(throws: IDXError.badMagic(path: path, expected: 0x801, found: 0x803)) {
            _ = try IDX.readLabels(at: path)
        }
        #expect(
            IDXError.badMagic(path: "f", expected: 0x801, found: 0x803).description
                == "f: at byte offset 0: expected magic number 0x00000801, found 0x00000803")
    }

    @Test func rejectsATruncatedHeader() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let path = try fixture.write("images", Array(IDXFixture.images(count: 2, rows: 2, columns: 2)[..<10]))
        #expect(throws: IDXError.truncatedHeader(path: path, offset: 10, needed: 16)) {
            _ = try IDX.readImages(at: path)
        }
        let tiny = try fixture.write("tiny", [0, 0])
        #expect(throws: IDXError.truncatedHeader(path: tiny, offset: 2, needed: 4)) { _ = try IDX.readLabels(at: tiny) }
    }

    @Test func rejectsTruncatedAndTrailingData() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let labels = IDXFixture.labels(Array(repeating: 7, count: 10))
        let short = try fixture.write("short", Array(labels.dropLast(3)))
        #expect(throws: IDXError.truncatedData(path: short, offset: 15, expected: 10, available: 7)) {
            _ = try IDX.readLabels(at: short)
        }
        let long = try fixture.write("long", labels + [0, 0])
        #expect(throws: IDXError.trailingData(path: long, offset: 18, extra: 2)) { _ = try IDX.readLabels(at: long) }
        let message = IDXError.truncatedData(path: "x", offset: 15, expected: 10, available: 7).description
        #expect(message == "x: truncated data: the file ends at byte offset 15 after 7 of 10 data bytes")
    }

    @Test func rejectsWrongDimensions() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let empty = try fixture.write("empty", IDXFixture.idx(magic: IDX.imagesMagic, sizes: [4, 0, 28], values: []))
        #expect(
            throws: IDXError.invalidDimensions(
                path: empty, offset: 4, dimensions: [4, 0, 28], reason: "every size must be at least 1")
        ) {
            _ = try IDX.readImages(at: empty)
        }
        let huge = try fixture.write(
            "huge", IDXFixture.idx(magic: IDX.imagesMagic, sizes: [.max, .max, .max], values: [1, 2, 3]))
        #expect(
            throws: IDXError.invalidDimensions(
                path: huge, offset: 4, dimensions: Array(repeating: Int(UInt32.max), count: 3),
                reason: "their product overflows")
        ) {
            _ = try IDX.readImages(at: huge)
        }
        // A count that claims more images than the file holds is caught before any allocation.
        let claims = try fixture.write(
            "claims", IDXFixture.idx(magic: IDX.imagesMagic, sizes: [60_000, 28, 28], values: [1, 2, 3]))
        #expect(throws: IDXError.truncatedData(path: claims, offset: 19, expected: 47_040_000, available: 3)) {
            _ = try IDX.readImages(at: claims)
        }
    }

    @Test func rejectsCorruptGzip() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let good = IDXFixture.gzip(IDXFixture.labels([1, 2, 3, 4]))
        var badBlock = good
        badBlock[10] = 0x07  // BFINAL 1, BTYPE 11: a reserved block type
        let blockPath = try fixture.write("block.gz", badBlock)
        #expect(throws: IDXError.corruptGzip(path: blockPath, offset: 11, reason: "invalid block type")) {
            _ = try IDX.readLabels(at: blockPath)
        }
        var badCheck = good
        badCheck[good.count - 8] ^= 0xff  // the CRC-32
        let checkPath = try fixture.write("check.gz", badCheck)
        #expect(throws: IDXError.corruptGzip(path: checkPath, offset: good.count - 4, reason: "incorrect data check")) {
            _ = try IDX.readLabels(at: checkPath)
        }
        let cut = try fixture.write("cut.gz", Array(good[..<20]))
        #expect(
            throws: IDXError.corruptGzip(path: cut, offset: 20, reason: "the stream ends before its last member does")
        ) {
            _ = try IDX.readLabels(at: cut)
        }
        let trailing = try fixture.write("trailing.gz", good + [1, 2, 3])
        #expect(
            throws: IDXError.corruptGzip(
                path: trailing, offset: good.count, reason: "3 bytes after the last gzip member")
        ) {
            _ = try IDX.readLabels(at: trailing)
        }
    }

    /// `gzip -9` of an images file of 100 black 28 x 28 images: 123 bytes that inflate to 78,416.
    static let blackImagesGzip: [UInt8] =
        [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc3, 0x41, 0x09, 0x00, 0x20, 0x00, 0x00,
            0xb1, 0x03, 0x3f, 0x86, 0x30, 0x9e, 0xfd, 0x33, 0xe8, 0xc3, 0x14, 0xb2, 0xc1, 0x6a, 0x8e, 0x6a, 0xdf, 0xeb,
            0x05,
        ] + [UInt8](repeating: 0, count: 75) + [0x3e, 0x77, 0x00, 0xc1, 0x20, 0x57, 0xa1, 0x50, 0x32, 0x01, 0x00]

    /// `gzip -9` of an images file whose header declares 2 x 2 x 2 (8 bytes of data) followed
    /// by a million zero bytes: 1,011 bytes that inflate to 1,000,024.
    static let overlongImagesGzip: [UInt8] =
        [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc3, 0xb1, 0x0d, 0x00, 0x20, 0x0c, 0xc0,
            0xb0, 0xa8, 0x2c, 0xfc, 0x7f, 0x31, 0x6b, 0x7f, 0xc0, 0x96, 0x5c, 0xf7, 0x54, 0xb3, 0x02,
        ] + [UInt8](repeating: 0, count: 968) + [0x9f, 0x7b, 0x37, 0xe1, 0x84, 0x48, 0x58, 0x42, 0x0f, 0x00]

    @Test func limitsTheDecompressedSize() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let path = try fixture.write("black.gz", Self.blackImagesGzip)
        let images = try IDX.readImages(at: path)
        #expect(images.count == 100 && images.pixels == [UInt8](repeating: 0, count: 78_400))
        #expect(throws: IDXError.tooLarge(path: path, limit: 50_000)) {
            _ = try IDX.readImages(at: path, limit: 50_000)
        }
    }

    /// The trailer's ISIZE (here 1 GiB on a 35-byte file) never sizes an allocation, and zlib
    /// rejects it as soon as the member ends.
    @Test func aLyingGzipTrailerReservesNothingAndIsRejected() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        var lying = IDXFixture.gzip(IDXFixture.labels([1, 2, 3, 4]))
        lying.replaceSubrange((lying.count - 4)..., with: [0x00, 0x00, 0x00, 0x40])
        #expect(lying.count == 35)
        #expect(Gzip.initialCapacity(for: lying, limit: IDX.defaultLimit) <= 35 * Gzip.initialExpansion)
        let path = try fixture.write("lying.gz", lying)
        #expect(throws: IDXError.corruptGzip(path: path, offset: 35, reason: "incorrect length check")) {
            _ = try IDX.readLabels(at: path)
        }
        let honest = IDXFixture.gzip(IDXFixture.labels([1, 2, 3, 4]))
        #expect(Gzip.initialCapacity(for: honest, limit: IDX.defaultLimit) == 12)
    }

    /// A gzipped file keeps no more than its header declares: the rest is inflated and counted
    /// (reported as trailing data, or as too large past the limit), never stored.
    @Test func keepsOnlyWhatTheHeaderDeclaresOfAGzipStream() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let (content, total) = try Gzip.decompress(Self.overlongImagesGzip, path: "x", limit: .max) { _ in 24 }
        let declared = IDXFixture.idx(magic: IDX.imagesMagic, sizes: [2, 2, 2], values: Array(repeating: 0, count: 8))
        #expect(content == declared)
        #expect(total == 1_000_024)
        let path = try fixture.write("overlong.gz", Self.overlongImagesGzip)
        #expect(throws: IDXError.trailingData(path: path, offset: 24, extra: 1_000_000)) {
            _ = try IDX.readImages(at: path)
        }
        #expect(throws: IDXError.tooLarge(path: path, limit: 500_000)) {
            _ = try IDX.readImages(at: path, limit: 500_000)
        }
    }

    /// The file's size is checked before anything is read: against the limit, then against
    /// what the header declares. The sparse files here are large but hold no disk blocks.
    @Test func checksTheFileSizeBeforeReading() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let labels = try fixture.write("labels", IDXFixture.labels(Array(repeating: 1, count: 5_000)))
        #expect(throws: IDXError.fileTooLarge(path: labels, size: 5_008, limit: 1_000)) {
            _ = try IDX.readLabels(at: labels, limit: 1_000)
        }
        let huge = try fixture.write("huge", IDXFixture.labels([1]))
        try Self.extend(huge, to: IDX.defaultLimit + 1)
        #expect(throws: IDXError.fileTooLarge(path: huge, size: IDX.defaultLimit + 1, limit: IDX.defaultLimit)) {
            _ = try IDX.readLabels(at: huge)
        }
        let padded = try fixture.write("padded", IDXFixture.images(count: 10, rows: 28, columns: 28))
        try Self.extend(padded, to: 100_000_000)
        #expect(throws: IDXError.trailingData(path: padded, offset: 7_856, extra: 100_000_000 - 7_856)) {
            _ = try IDX.readImages(at: padded)
        }
        let message = IDXError.fileTooLarge(path: "f", size: 5_008, limit: 1_000).description
        #expect(message == "f: the file holds 5008 bytes, more than the limit of 1000")
    }

    @Test func rejectsImageSizesWhoseProductOverflows() {
        #expect(
            throws: IDXError.invalidDimensions(
                path: "", offset: 0, dimensions: [.max, 2, 2], reason: "their product overflows")
        ) {
            _ = try IDXImages(count: .max, rows: 2, columns: 2, pixels: [])
        }
        #expect(throws: IDXError.self) { _ = try IDXImages(count: 2, rows: .max, columns: .max, pixels: []) }
    }

    @Test func reportsADirectoryByName() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        #expect(throws: IDXError.unreadable(path: fixture.folder.path, reason: "is a directory")) {
            _ = try IDX.readLabels(at: fixture.folder.path)
        }
    }

    /// Makes the file at `path` `size` bytes long, sparse (zeros that take no disk space).
    static func extend(_ path: String, to size: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(size))
    }

    @Test func reportsAMissingFile() throws {
        #expect(throws: IDXError.self) { _ = try IDX.readLabels(at: "/nonexistent/labels") }
    }
}
