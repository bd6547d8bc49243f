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

    @Test func limitsTheDecompressedSize() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let path = try fixture.write("big.gz", IDXFixture.gzip(IDXFixture.images(count: 100, rows: 28, columns: 28)))
        #expect(throws: IDXError.tooLarge(path: path, limit: 50_000)) {
            _ = try IDX.readImages(at: path, limit: 50_000)
        }
    }

    @Test func reportsAMissingFile() throws {
        #expect(throws: IDXError.self) { _ = try IDX.readLabels(at: "/nonexistent/labels") }
    }
}
