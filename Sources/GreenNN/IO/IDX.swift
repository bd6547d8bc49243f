import Foundation

/// Reads the IDX format of the MNIST files (LeCun, Cortes and Burges): a big-endian magic
/// number `0x0000TTNN` (TT the value type, 0x08 for unsigned bytes; NN the number of
/// dimensions), NN big-endian UInt32 sizes, then the values, row-major. Files may be raw or
/// gzipped (detected by their first bytes, not their name). Any data set in this format reads
/// the same: MNIST, Fashion-MNIST, KMNIST.
///
/// Nothing is allocated from the header's word alone. The file's size is checked against
/// `limit` before anything is read; then only the header is read and checked (the magic
/// number, that the header is complete, that every size is positive and that their product
/// fits in `Int`). A raw file must then be exactly as long as the header declares, checked
/// before the data are read; a gzipped one is inflated keeping no more than the header
/// declares (the rest is counted, so bytes after the data are still reported) and never more
/// than `limit` bytes in all.
///
/// ```swift
/// let labels = try IDX.readLabels(at: "mnist/train-labels-idx1-ubyte.gz")   // 60,000 bytes
/// let images = try IDX.readImages(at: "mnist/train-images-idx3-ubyte.gz")   // 60,000 × 28 × 28
/// ```
public enum IDX {
    /// Magic number of a labels file: unsigned bytes, one dimension.
    public static let labelsMagic: UInt32 = 0x0000_0801
    /// Magic number of an images file: unsigned bytes, three dimensions.
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// The most bytes a file may hold, and decompress to (1 GiB; MNIST's largest is 47 MB).
    public static let defaultLimit = 1 << 30
    /// The longest header there can be: the magic number and 255 sizes.
    static let maximumHeaderLength = 4 + 4 * 255

    /// The labels of a `0x00000801` file.
    /// - Throws: `IDXError` for an unreadable file, a file or content larger than `limit`, a
    ///   corrupt gzip stream, a wrong magic number, a truncated header or data, an empty or
    ///   overflowing size, or bytes after the data.
    public static func readLabels(at path: String, limit: Int = defaultLimit) throws(IDXError) -> [UInt8] {
        Array(try read(path, magic: labelsMagic, limit: limit).values)
    }

    /// The images of a `0x00000803` file.
    /// - Throws: `IDXError` as `readLabels(at:)`.
    public static func readImages(at path: String, limit: Int = defaultLimit) throws(IDXError) -> IDXImages {
        let (sizes, values) = try read(path, magic: imagesMagic, limit: limit)
        return try IDXImages(count: sizes[0], rows: sizes[1], columns: sizes[2], pixels: Array(values), path: path)
    }

    /// The file's content, decompressed if it is gzipped, checked against `magic`.
    static func read(
        _ path: String, magic: UInt32, limit: Int
    ) throws(IDXError) -> (sizes: [Int], values: ArraySlice<UInt8>) {
        let file: ReadOnlyFile
        do {
            file = try ReadOnlyFile(path: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        guard file.size <= limit else { throw .fileTooLarge(path: path, size: file.size, limit: limit) }
        let prefix = try bytes(of: file, count: Swift.min(file.size, maximumHeaderLength))
        if Gzip.isCompressed(prefix) {
            let compressed = try prefix + bytes(of: file, count: file.size - prefix.count)
            let (content, total) = try Gzip.decompress(compressed, path: path, limit: limit) { decompressed in
                keptLength(of: decompressed, magic: magic)
            }
            let parsed = try parse(content, path: path, magic: magic)
            guard total == content.count else {
                throw .trailingData(path: path, offset: content.count, extra: total - content.count)
            }
            return parsed
        }
        let declared = try header(of: prefix, path: path, magic: magic)
        guard file.size >= declared.fileLength else {
            throw .truncatedData(
                path: path, offset: file.size, expected: declared.dataLength, available: file.size - declared.length)
        }
        guard file.size == declared.fileLength else {
            throw .trailingData(path: path, offset: declared.fileLength, extra: file.size - declared.fileLength)
        }
        var content = prefix
        content.reserveCapacity(declared.fileLength)
        content += try bytes(of: file, count: declared.fileLength - prefix.count)
        return try parse(content, path: path, magic: magic)  // the file may have shrunk meanwhile
    }

    /// The next `count` bytes of `file`.
    private static func bytes(of file: ReadOnlyFile, count: Int) throws(IDXError) -> [UInt8] {
        do {
            return try file.next(count)
        } catch {
            throw .unreadable(path: file.path, reason: error.reason)
        }
    }

    /// What an IDX header declares, every size checked.
    struct Header {
        /// The sizes, outermost first.
        let sizes: [Int]
        /// The header's bytes: 4 + 4 per size.
        let length: Int
        /// The data's bytes: the product of the sizes.
        let dataLength: Int
        /// `length + dataLength`.
        let fileLength: Int
    }

    /// The header at the start of `content` (or of a prefix of it).
    /// - Throws: `IDXError.truncatedHeader` when `content` ends inside it, `.badMagic`,
    ///   `.invalidDimensions` for a size of 0 or sizes whose product overflows `Int`.
    static func header(of content: [UInt8], path: String, magic: UInt32) throws(IDXError) -> Header {
        func word(at offset: Int) -> Int {
            content[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        guard content.count >= 4 else { throw .truncatedHeader(path: path, offset: content.count, needed: 4) }
        guard word(at: 0) == Int(magic) else {
            throw .badMagic(path: path, expected: magic, found: UInt32(word(at: 0)))
        }
        let dimensions = Int(magic & 0xff)
        let length = 4 + 4 * dimensions
        guard content.count >= length else {
            throw .truncatedHeader(path: path, offset: content.count, needed: length)
        }
        let sizes = (0..<dimensions).map { word(at: 4 + 4 * $0) }
        var dataLength = 1
        for size in sizes {
            guard size >= 1 else {
                throw .invalidDimensions(
                    path: path, offset: 4, dimensions: sizes, reason: "every size must be at least 1")
            }
            let (product, overflow) = dataLength.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw .invalidDimensions(path: path, offset: 4, dimensions: sizes, reason: "their product overflows")
            }
            dataLength = product
        }
        let (fileLength, overflow) = length.addingReportingOverflow(dataLength)
        guard !overflow else {
            throw .invalidDimensions(
                path: path, offset: 4, dimensions: sizes, reason: "the file length they declare overflows")
        }
        return Header(sizes: sizes, length: length, dataLength: dataLength, fileLength: fileLength)
    }

    /// How many decompressed bytes to keep once `prefix` shows the header: the length it
    /// declares, or `prefix.count` for a bad header (enough for `parse` to report it); nil
    /// while the header is incomplete.
    static func keptLength(of prefix: [UInt8], magic: UInt32) -> Int? {
        do {
            return try header(of: prefix, path: "", magic: magic).fileLength
        } catch {
            if case .truncatedHeader = error { return nil }
            return prefix.count
        }
    }

    /// Splits IDX `content` into its sizes and values, checking each against the content's length.
    static func parse(
        _ content: [UInt8], path: String, magic: UInt32
    ) throws(IDXError) -> (sizes: [Int], values: ArraySlice<UInt8>) {
        let declared = try header(of: content, path: path, magic: magic)
        let available = content.count - declared.length
        guard available >= declared.dataLength else {
            throw .truncatedData(path: path, offset: content.count, expected: declared.dataLength, available: available)
        }
        guard available == declared.dataLength else {
            throw .trailingData(path: path, offset: declared.fileLength, extra: available - declared.dataLength)
        }
        return (declared.sizes, content[declared.length...])
    }
}
