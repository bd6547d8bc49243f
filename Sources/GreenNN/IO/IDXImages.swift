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
    /// - Throws: `IDXError.invalidDimensions` (path "", offset 0) when `pixels` does not hold
    ///   `count·rows·columns` values.
    public init(count: Int, rows: Int, columns: Int, pixels: [UInt8]) throws(IDXError) {
        guard count >= 0, rows >= 1, columns >= 1, pixels.count == count * rows * columns else {
            throw .invalidDimensions(
                path: "", offset: 0, dimensions: [count, rows, columns],
                reason: "\(pixels.count) pixels do not fill them")
        }
        self.count = count
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
    }
}
