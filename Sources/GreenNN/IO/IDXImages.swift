/// The content of an IDX images file: `count` images of `rows x columns` unsigned bytes,
/// row-major, image after image.
public struct IDXImages: Sendable, Equatable {
    /// The number of images.
    public let count: Int
    /// Rows per image.
    public let rows: Int
    /// Columns per image.
    public let columns: Int
    /// `count·rows·columns` pixel values, 0–255.
    public let pixels: [UInt8]

    /// Images from their sizes and pixels.
    /// - Throws: `IDXError.invalidDimensions` (path "", offset 0) for a negative count, no rows
    ///   or columns, sizes whose product overflows `Int`, or `pixels` that do not hold
    ///   `count·rows·columns` values.
    public init(count: Int, rows: Int, columns: Int, pixels: [UInt8]) throws(IDXError) {
        try self.init(count: count, rows: rows, columns: columns, pixels: pixels, path: "")
    }

    /// Images read from the file at `path`, which the errors name.
    init(count: Int, rows: Int, columns: Int, pixels: [UInt8], path: String) throws(IDXError) {
        let dimensions = [count, rows, columns]
        guard count >= 0, rows >= 1, columns >= 1 else {
            throw .invalidDimensions(
                path: path, offset: 0, dimensions: dimensions,
                reason: "the count must be at least 0, rows and columns at least 1")
        }
        let (plane, planeOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (total, totalOverflow) = count.multipliedReportingOverflow(by: plane)
        guard !planeOverflow, !totalOverflow else {
            throw .invalidDimensions(path: path, offset: 0, dimensions: dimensions, reason: "their product overflows")
        }
        guard pixels.count == total else {
            throw .invalidDimensions(
                path: path, offset: 0, dimensions: dimensions, reason: "\(pixels.count) pixels do not fill them")
        }
        self.count = count
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
    }
}
