internal import CZlib
import Foundation

/// Gzip decompression over the system zlib (RFC 1952 members, one after another as `gzip`
/// writes them), bounded by a byte limit so a damaged or hostile file cannot exhaust memory.
///
/// Nothing is sized by the trailer's ISIZE field (the last member's length mod 2³², which any
/// file can set): the output starts at most at `initialExpansion` times the compressed size and
/// grows as inflate produces bytes. zlib checks each member's ISIZE and CRC-32 against what it
/// produced, so a lying trailer is a `corruptGzip` error ("incorrect length check").
enum Gzip {
    /// The output's first capacity is at most this many times the compressed size (MNIST's
    /// files expand about 2 to 5 times); beyond it, the output grows geometrically.
    static let initialExpansion = 8

    /// Whether `bytes` start with the gzip magic bytes 1f 8b.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The capacity reserved before inflating `bytes`: the last member's ISIZE as a hint, never
    /// above `limit` or `initialExpansion` times the compressed size.
    static func initialCapacity(for bytes: [UInt8], limit: Int) -> Int {
        guard bytes.count >= 4 else { return 0 }
        let hint = bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        let (bound, overflow) = bytes.count.multipliedReportingOverflow(by: initialExpansion)
        return Swift.max(0, Swift.min(hint, limit, overflow ? Int.max : bound))
    }

    /// The decompressed content of every member of `bytes`.
    /// - Throws: `IDXError.corruptGzip` with the compressed offset of the damage (including a
    ///   stream that ends before its last member does, and a CRC or ISIZE that does not match),
    ///   `.tooLarge` past `limit` bytes.
    static func decompress(_ bytes: [UInt8], path: String, limit: Int) throws(IDXError) -> [UInt8] {
        try decompress(bytes, path: path, limit: limit, keeping: { _ in nil }).content
    }

    /// The decompressed content of every member of `bytes`, of which only the first
    /// `keeping(prefix)` bytes are kept once `keeping` says how many it wants (it is asked after
    /// each chunk until it answers): the rest is inflated, checked and counted, not stored. IDX
    /// keeps what its header declares, so memory follows the header, not the stream.
    /// - Returns: the kept content and the total decompressed size (larger when bytes were
    ///   dropped).
    /// - Throws: `IDXError` as `decompress(_:path:limit:)`; `limit` bounds the total.
    static func decompress(
        _ bytes: [UInt8], path: String, limit: Int, keeping: ([UInt8]) -> Int?
    ) throws(IDXError) -> (content: [UInt8], total: Int) {
        guard bytes.count <= Int(UInt32.max) else { throw .tooLarge(path: path, limit: Int(UInt32.max)) }
        var output: [UInt8] = []
        output.reserveCapacity(initialCapacity(for: bytes, limit: limit))
        var kept: Int? = nil
        var total = 0
        var stream = z_stream()
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corruptGzip(path: path, offset: 0, reason: "zlib could not start: \(message(of: stream))")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 18
        var buffer = [UInt8](repeating: 0, count: chunk)
        var consumed = 0
        var status = Z_OK
        while true {
            status = bytes.withUnsafeBufferPointer { input in
                buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                    stream.avail_in = UInt32(bytes.count - consumed)
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunk)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    consumed = bytes.count - Int(stream.avail_in)
                    return result
                }
            }
            let produced = chunk - Int(stream.avail_out)
            guard produced <= limit - total else { throw .tooLarge(path: path, limit: limit) }
            total += produced
            let room = kept.map { Swift.max(0, $0 - output.count) } ?? produced
            output.append(contentsOf: buffer[..<Swift.min(produced, room)])
            if kept == nil, let wanted = keeping(output).map({ Swift.max(0, $0) }) {
                kept = wanted
                if output.count > wanted { output.removeSubrange(wanted...) }
            }
            switch status {
            case Z_STREAM_END:
                guard consumed < bytes.count else { return (output, total) }
                guard bytes.count - consumed >= 2, bytes[consumed] == 0x1f, bytes[consumed + 1] == 0x8b else {
                    throw .corruptGzip(
                        path: path, offset: consumed,
                        reason: "\(bytes.count - consumed) bytes after the last gzip member")
                }
                inflateReset(&stream)
            case Z_OK:
                if produced == 0 && consumed == bytes.count {
                    throw .corruptGzip(
                        path: path, offset: consumed, reason: "the stream ends before its last member does")
                }
            case Z_BUF_ERROR where consumed == bytes.count:
                throw .corruptGzip(path: path, offset: consumed, reason: "the stream ends before its last member does")
            default:
                throw .corruptGzip(path: path, offset: consumed, reason: message(of: stream))
            }
        }
    }

    /// zlib's message for the stream's last error, or a generic one.
    private static func message(of stream: z_stream) -> String {
        stream.msg.map { String(cString: $0) } ?? "invalid data"
    }
}
