import GreenModels

/// Parsing shared by the commands that take model names and input shapes.
enum ModelOptions {
    /// The zoo entry called `name`, or a usage error listing the valid names.
    static func entry(_ name: String) throws(UsageError) -> ModelZoo.Entry {
        do {
            return try ModelZoo.entry(named: name)
        } catch {
            throw UsageError(error.description)
        }
    }

    /// `CxHxW` (e.g. "3x32x32") as a shape, or a usage error.
    static func imageShape(_ text: String) throws(UsageError) -> Shape {
        let parts = text.split(separator: "x").map { Int($0) }
        guard parts.count == 3, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw UsageError("--input must be CxHxW with positive sizes (e.g. 3x32x32), got '\(text)'")
        }
        return Shape(parts.map { $0! })
    }

    /// A model and the input it runs on: the entry's image shape unless `--input` overrides it.
    /// - Throws: `UsageError` for a malformed `--input`, or when batch × C × H × W overflows `Int`
    ///   (the shape's element count is checked, so later code may use `Shape.elementCount`).
    static func input(for entry: ModelZoo.Entry, batch: Int, override: String?) throws(UsageError) -> Shape {
        let image = try override.map(imageShape) ?? entry.imageShape
        let shape = Shape([batch] + image.dimensions)
        do {
            _ = try shape.checkedElementCount(for: "--batch and --input")
        } catch {
            throw UsageError(error.description)
        }
        return shape
    }
}
