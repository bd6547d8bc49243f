internal import CZlib
import Foundation

/// Gzip decompression over the system zlib (RFC 1952 members, one after another as `gzip`
/// writes them), bounded by a byte limit so a damaged or hostile file cannot exhaust memory.
enum Gzip {
    /// Whether `bytes` start with the gzip magic bytes 1f 8b.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The decompressed content of every member of `bytes`.
    /// - Throws: `IDXError.corruptGzip` with the compressed offset of the damage (including a
    ///   stream that ends before its last member does), `.tooLarge` past `limit` bytes.
    static func decompress(_ bytes: [UInt8], path: String, limit: Int) throws(IDXError) -> [UInt8] {
        guard bytes.count <= Int(UInt32.max) else { throw .tooLarge(path: path, limit: Int(UInt32.max)) }
        var output: [UInt8] = []
        // The last member's trailer holds its size mod 2³²: a good first guess for the capacity.
        if bytes.count >= 4 {
            let hint = bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
            output.reserveCapacity(Swift.min(hint, limit))
        }
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
            guard output.count + produced <= limit else { throw .tooLarge(path: path, limit: limit) }
            output.append(contentsOf: buffer[..<produced])
            switch status {
            case Z_STREAM_END:
                guard consumed < bytes.count else { return output }
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
