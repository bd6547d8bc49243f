/// Why an IDX file (or a pair of them) could not be read. Every case names the file, and the
/// cases about its content give the byte offset where the problem is: in the decompressed
/// content for the IDX structure, in the compressed file for gzip errors.
public enum IDXError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The first four bytes are not the magic number expected (offset 0).
    case badMagic(path: String, expected: UInt32, found: UInt32)
    /// The file ends at `offset`, inside a header that needs `needed` bytes.
    case truncatedHeader(path: String, offset: Int, needed: Int)
    /// The header at `offset` declares dimensions that cannot describe this file's data.
    case invalidDimensions(path: String, offset: Int, dimensions: [Int], reason: String)
    /// The data ends at `offset` after `available` of the `expected` bytes the header declares.
    case truncatedData(path: String, offset: Int, expected: Int, available: Int)
    /// `extra` bytes follow the declared data, from `offset` on.
    case trailingData(path: String, offset: Int, extra: Int)
    /// The gzip stream is damaged at compressed byte `offset` (zlib's reason).
    case corruptGzip(path: String, offset: Int, reason: String)
    /// The decompressed content would exceed `limit` bytes.
    case tooLarge(path: String, limit: Int)
    /// The file itself holds `size` bytes, more than `limit` (found before anything is read).
    case fileTooLarge(path: String, size: Int, limit: Int)
    /// A label at `offset` is not below the number of classes.
    case labelOutOfRange(path: String, offset: Int, label: Int, classes: Int)
    /// An images file and a labels file that do not hold the same number of items.
    case mismatchedCounts(images: String, imageCount: Int, labels: String, labelCount: Int)

    /// One line naming the file, the offset and what was wrong.
    public var description: String {
        func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16)
            return "0x" + String(repeating: "0", count: Swift.max(0, 8 - digits.count)) + digits
        }
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read the file: \(reason)"
        case let .badMagic(path, expected, found):
            return "\(path): at byte offset 0: expected magic number \(hex(expected)), found \(hex(found))"
        case let .truncatedHeader(path, offset, needed):
            return "\(path): truncated header: the file ends at byte offset \(offset), the header needs \(needed) bytes"
        case let .invalidDimensions(path, offset, dimensions, reason):
            return "\(path): at byte offset \(offset): invalid dimensions \(dimensions): \(reason)"
        case let .truncatedData(path, offset, expected, available):
            return
                "\(path): truncated data: the file ends at byte offset \(offset) after \(available) of \(expected) data bytes"
        case let .trailingData(path, offset, extra):
            return "\(path): \(extra) unexpected bytes after the data, from byte offset \(offset)"
        case let .corruptGzip(path, offset, reason):
            return "\(path): corrupt gzip stream at compressed byte offset \(offset): \(reason)"
        case let .tooLarge(path, limit):
            return "\(path): decompresses to more than \(limit) bytes"
        case let .fileTooLarge(path, size, limit):
            return "\(path): the file holds \(size) bytes, more than the limit of \(limit)"
        case let .labelOutOfRange(path, offset, label, classes):
            return "\(path): at byte offset \(offset): label \(label) is outside the classes 0–\(classes - 1)"
        case let .mismatchedCounts(images, imageCount, labels, labelCount):
            return "\(images) holds \(imageCount) images but \(labels) holds \(labelCount) labels"
        }
    }
}
