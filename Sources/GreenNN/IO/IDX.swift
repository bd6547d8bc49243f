import Foundation

/// Reads the IDX format of the MNIST files (LeCun, Cortes and Burges): a big-endian magic
/// number `0x0000TTNN` (TT the value type, 0x08 for unsigned bytes; NN the number of
/// dimensions), NN big-endian UInt32 sizes, then the values, row-major. Files may be raw or
/// gzipped (detected by their first bytes, not their name).
///
/// Everything is checked before anything is allocated from the header's word: the magic
/// number, that the header is complete, that every size is positive, and that the sizes'
/// product is exactly the number of bytes that follow. Nothing is ever sized by the header
/// alone, so a corrupt header cannot make the reader allocate more than the file holds,
/// decompressed (itself bounded by a limit).
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
    /// The most bytes a file may decompress to (1 GiB; MNIST's largest is 47 MB).
    public static let defaultLimit = 1 << 30

    /// The labels of a `0x00000801` file.
    /// - Throws: `IDXError` for an unreadable file, a corrupt gzip stream, a wrong magic
    ///   number, a truncated header or data, an empty size, or bytes after the data.
    public static func readLabels(at path: String, limit: Int = defaultLimit) throws(IDXError) -> [UInt8] {
        Array(try read(path, magic: labelsMagic, limit: limit).values)
    }

    /// The images of a `0x00000803` file.
    /// - Throws: `IDXError` as `readLabels(at:)`.
    public static func readImages(at path: String, limit: Int = defaultLimit) throws(IDXError) -> IDXImages {
        let (sizes, values) = try read(path, magic: imagesMagic, limit: limit)
        return try IDXImages(count: sizes[0], rows: sizes[1], columns: sizes[2], pixels: Array(values))
    }

    /// The file's content, decompressed if it is gzipped, checked against `magic`.
    static func read(
        _ path: String, magic: UInt32, limit: Int
    ) throws(IDXError) -> (sizes: [Int], values: ArraySlice<UInt8>) {
        let raw: [UInt8]
        do {
            raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let content = Gzip.isCompressed(raw) ? try Gzip.decompress(raw, path: path, limit: limit) : raw
        guard content.count <= limit else { throw .tooLarge(path: path, limit: limit) }
        return try parse(content, path: path, magic: magic)
    }

    /// Splits IDX `content` into its sizes and values, checking each against the content's length.
    static func parse(
        _ content: [UInt8], path: String, magic: UInt32
    ) throws(IDXError) -> (sizes: [Int], values: ArraySlice<UInt8>) {
        func word(at offset: Int) -> Int {
            content[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        guard content.count >= 4 else { throw .truncatedHeader(path: path, offset: content.count, needed: 4) }
        guard word(at: 0) == Int(magic) else {
            throw .badMagic(path: path, expected: magic, found: UInt32(word(at: 0)))
        }
        let dimensions = Int(magic & 0xff)
        let headerLength = 4 + 4 * dimensions
        guard content.count >= headerLength else {
            throw .truncatedHeader(path: path, offset: content.count, needed: headerLength)
        }
        let sizes = (0..<dimensions).map { word(at: 4 + 4 * $0) }
        var expected = 1
        for size in sizes {
            guard size >= 1 else {
                throw .invalidDimensions(
                    path: path, offset: 4, dimensions: sizes, reason: "every size must be at least 1")
            }
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw .invalidDimensions(path: path, offset: 4, dimensions: sizes, reason: "their product overflows")
            }
            expected = product
        }
        let available = content.count - headerLength
        guard available >= expected else {
            throw .truncatedData(path: path, offset: content.count, expected: expected, available: available)
        }
        guard available == expected else {
            throw .trailingData(path: path, offset: headerLength + expected, extra: available - expected)
        }
        return (sizes, content[headerLength...])
    }
}
