import Foundation
import GreenNN
import GreenProtobuf

/// An ONNX model imported as a GreenNN network: every node a layer, the initializers its
/// weights, and the efficient patterns built as GreenNN's blocks (`BlockRecognition`), so a
/// cost table of the network shows block rows.
///
/// ```swift
/// let onnx = try ONNXModel(contentsOf: URL(fileURLWithPath: "resnet18.onnx"))
/// let table = try CostTable(onnx.network, input: onnx.input(batch: 1)!)
/// let plan = try onnx.network.inferencePlan(for: [1, 3, 224, 224])
/// ```
///
/// Operators (opsets 11 to 21, standard domain): Conv (grouped and depthwise), Gemm,
/// MatMul with an Add of its bias, Relu, Clip to [0, 6] or [0, ∞), MaxPool, AveragePool,
/// GlobalAveragePool, BatchNormalization, Concat on channels, Add of two branches, Flatten,
/// a Reshape to `[N, features]`, Dropout, Softmax over classes, Identity and Constant.
/// Anything else throws `ONNXError` naming the node, its operator and the opset; nothing
/// half-built is returned.
public struct ONNXModel {
    /// The standard operator set versions the importer reads.
    public static let supportedOpsets = 11...21

    /// The network, in inference mode.
    public let network: Sequential
    /// The graph input's name ("input").
    public let inputName: String
    /// The graph input's declared dimensions, nil entries symbolic ("N"); nil when undeclared.
    public let inputDimensions: [Int?]?
    /// The file's standard opset version.
    public let opset: Int
    /// The tool that wrote the file ("pytorch"), "" when not given.
    public let producer: String

    /// Reads and imports the file at `url` (mapped, not copied, while it is decoded).
    /// - Throws: `ONNXError`: `.unreadable`, `.malformed` (with the byte offset), or an import error.
    public init(contentsOf url: URL) throws(ONNXError) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        try self.init(serialized: data)
    }

    /// Imports a serialized `ModelProto`.
    /// - Throws: `ONNXError` for malformed bytes, an unsupported opset, operator, attribute or
    ///   data type, external data, or a graph that does not nest into layers.
    public init(serialized data: Data) throws(ONNXError) {
        let model: ModelProto
        do {
            model = try data.withUnsafeBytes { bytes in
                var reader = ProtobufReader(bytes)
                return try ModelProto(decoding: &reader)
            }
        } catch let error as ProtobufError {
            throw .malformed(error)
        } catch let error as ONNXError {
            throw error
        } catch {
            throw .invalidModel("\(error)")
        }
        guard let opset = model.opsets[""] else {
            throw .invalidModel("the file imports no version of the standard operator set")
        }
        guard Self.supportedOpsets.contains(opset) else { throw .unsupportedOpset(version: opset) }
        guard let graph = model.graph else { throw .invalidModel("the file has no graph") }
        var importer = try GraphImporter(graph: graph, opset: opset)
        let dimensions = importer.inputDimensions
        let shape = Self.image(dimensions).map { Shape([1] + $0.dimensions) }
        if let shape {
            do {
                _ = try shape.validated(for: "the graph's input")
            } catch {
                throw .invalidModel("the input '\(importer.inputName)' is too large: \(error)")
            }
        }
        let layers = try importer.layers(input: shape)
        do {
            network = try Sequential(named: layers.enumerated().map { NamedLayer("\($0.offset)", $0.element) })
        } catch {
            throw .invalidModel("\(error)")
        }
        network.eval()
        inputName = importer.inputName
        inputDimensions = dimensions
        self.opset = opset
        producer = model.producer
    }

    /// The dimensions after the batch when all are fixed.
    private static func image(_ dimensions: [Int?]?) -> Shape? {
        guard let dimensions, dimensions.count >= 2 else { return nil }
        let rest = dimensions.dropFirst().compactMap { $0 }
        guard rest.count == dimensions.count - 1, rest.allSatisfy({ $0 >= 1 }) else { return nil }
        return Shape(rest)
    }

    /// One sample's shape (`[C, H, W]`) when the file fixes every dimension after the batch.
    public var imageShape: Shape? { Self.image(inputDimensions) }

    /// `[batch] + imageShape`, nil when the file leaves a dimension after the batch symbolic.
    public func input(batch: Int) -> Shape? {
        imageShape.map { Shape([batch] + $0.dimensions) }
    }
}

extension Sequential {
    /// Imports the ONNX file at `url` (see `ONNXModel`).
    ///
    /// ```swift
    /// let model = try Sequential(onnx: URL(fileURLWithPath: "mobilenet_v2.onnx"))
    /// ```
    /// - Throws: `ONNXError` as `ONNXModel(contentsOf:)`.
    public convenience init(onnx url: URL) throws(ONNXError) {
        let children = try ONNXModel(contentsOf: url).network.children
        do {
            try self.init(named: children)
        } catch {
            throw .invalidModel("\(error)")
        }
    }
}
