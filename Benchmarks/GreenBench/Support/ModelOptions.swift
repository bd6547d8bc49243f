import Foundation
import GreenModels
import GreenONNX

/// Parsing shared by the commands that take model names and input shapes.
enum ModelOptions {
    /// The zoo entry called `name`, or for a name ending in ".onnx" an entry that imports that
    /// file (its image shape and class count from the file).
    /// - Throws: `UsageError` listing the valid names for an unknown one, or for an ONNX file
    ///   whose input leaves a dimension after the batch symbolic; `ONNXError` when the file
    ///   cannot be imported.
    static func entry(_ name: String) throws -> ModelZoo.Entry {
        if name.hasSuffix(".onnx") { return try onnxEntry(path: name) }
        do {
            return try ModelZoo.entry(named: name)
        } catch {
            throw UsageError(error.description)
        }
    }

    /// An entry for the ONNX file at `path`, imported once here to read its shapes and again
    /// each time a model is made.
    private static func onnxEntry(path: String) throws -> ModelZoo.Entry {
        let url = URL(fileURLWithPath: path)
        let onnx = try ONNXModel(contentsOf: url)
        guard let image = onnx.imageShape else {
            throw UsageError(
                "\(path): its input \(onnx.inputDimensions.map { "\($0)" } ?? "(undeclared)") leaves a dimension after "
                    + "the batch symbolic; GreenNN needs them fixed")
        }
        let output = try onnx.network.cost(for: Shape([1] + image.dimensions)).output
        return ModelZoo.Entry(
            name: url.lastPathComponent, imageShape: image, classes: output.dimensions.last ?? 1,
            summary:
                "imported from \(path) (\(onnx.producer.isEmpty ? "unknown producer" : onnx.producer), opset \(onnx.opset))"
        ) { try Sequential(onnx: url) }
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
