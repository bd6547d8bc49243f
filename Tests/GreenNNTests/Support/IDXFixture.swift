import Foundation

@testable import GreenNN

/// IDX files written by the tests into a fresh temporary folder, raw or gzipped. The gzip
/// writer is independent of zlib: one RFC 1952 member per call, its data in stored
/// (uncompressed) deflate blocks, with the CRC-32 computed here.
struct IDXFixture {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("greennn-idx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Removes the folder.
    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// `bytes` written to `name` in the folder; returns the path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// An IDX file: the magic number, the sizes (big-endian UInt32), then `values`.
    static func idx(magic: UInt32, sizes: [UInt32], values: [UInt8]) -> [UInt8] {
        ([magic] + sizes).flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } } + values
    }

    /// A labels file holding `labels`.
    static func labels(_ labels: [UInt8]) -> [UInt8] {
        idx(magic: IDX.labelsMagic, sizes: [UInt32(labels.count)], values: labels)
    }

    /// An images file of `count` images of `rows x columns` whose pixels count up from 0 (mod 256).
    static func images(count: Int, rows: Int, columns: Int) -> [UInt8] {
        idx(
            magic: IDX.imagesMagic, sizes: [UInt32(count), UInt32(rows), UInt32(columns)],
            values: (0..<(count * rows * columns)).map { UInt8(truncatingIfNeeded: $0) })
    }

    /// `data` as one gzip member with stored deflate blocks of at most 65,535 bytes.
    static func gzip(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
        var offset = 0
        repeat {
            let length = Swift.min(65_535, data.count - offset)
            let last: UInt8 = offset + length == data.count ? 1 : 0
            out += [
                last, UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8((~length >> 8) & 0xff),
            ]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        return out + littleEndian(crc32(data)) + littleEndian(UInt32(truncatingIfNeeded: data.count))
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// CRC-32 (ISO 3309, the polynomial gzip uses), bit by bit.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
