import GreenNN
import GreenProtobuf

/// Why an ONNX file cannot be read, imported or written. Import errors name the node (its
/// name, or the value it produces), its operator and the file's opset; nothing half-built is
/// ever returned.
public enum ONNXError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file could not be saved; it is as it was.
    case unwritable(AtomicFileError)
    /// The bytes are not a well-formed protobuf message (the error has the byte offset).
    case malformed(ProtobufError)
    /// The file decodes but is not a model this reader can take (no graph, no input, …).
    case invalidModel(String)
    /// The standard operator set's version is outside `ONNXModel.supportedOpsets`.
    case unsupportedOpset(version: Int)
    /// A node's operator has no GreenNN layer.
    case unsupportedOperator(node: String, opType: String, opset: Int)
    /// A node's attribute (or constant input) has a value GreenNN cannot run.
    case unsupportedAttribute(node: String, opType: String, attribute: String, value: String, opset: Int)
    /// A node reads or writes values in a way the importer cannot nest into layers (a branch
    /// that never rejoins, a weight computed at run time, a second output used).
    case unsupportedGraph(node: String, opType: String, reason: String, opset: Int)
    /// A tensor has a data type other than FLOAT (weights) or INT64 / INT32 (shapes).
    case unsupportedDataType(tensor: String, dataType: String)
    /// A tensor's data lives in a file beside the model; only embedded data is read.
    case externalData(tensor: String)
    /// A tensor's values do not match its dimensions.
    case invalidTensor(name: String, reason: String)
    /// Building the layer for a node failed (a weight of the wrong shape for its attributes).
    case invalidNode(node: String, opType: String, reason: String)
    /// A layer has no ONNX form (export); the path names it.
    case unsupportedLayer(path: String, kind: String)

    /// One sentence naming what failed and where.
    public var description: String {
        switch self {
        case let .unreadable(path, reason): "onnx: cannot read \(path): \(reason)"
        case let .unwritable(error): "onnx: \(error)"
        case let .malformed(error): "onnx: not a valid ONNX protobuf file: \(error)"
        case let .invalidModel(reason): "onnx: \(reason)"
        case let .unsupportedOpset(version):
            "onnx: opset \(version) is not supported (GreenNN reads opsets \(ONNXModel.supportedOpsets.lowerBound) to "
                + "\(ONNXModel.supportedOpsets.upperBound))"
        case let .unsupportedOperator(node, opType, opset):
            "onnx: node \(node): operator \(opType) (opset \(opset)) has no GreenNN layer"
        case let .unsupportedAttribute(node, opType, attribute, value, opset):
            "onnx: node \(node): \(opType) (opset \(opset)) with \(attribute) = \(value) is not supported"
        case let .unsupportedGraph(node, opType, reason, opset):
            "onnx: node \(node): \(opType) (opset \(opset)): \(reason)"
        case let .unsupportedDataType(tensor, dataType):
            "onnx: tensor '\(tensor)' has data type \(dataType); only FLOAT weights (and INT64/INT32 shapes) are read"
        case let .externalData(tensor):
            "onnx: tensor '\(tensor)' keeps its data in an external file; save the model with its data embedded"
        case let .invalidTensor(name, reason): "onnx: tensor '\(name)': \(reason)"
        case let .invalidNode(node, opType, reason): "onnx: node \(node): \(opType): \(reason)"
        case let .unsupportedLayer(path, kind):
            "onnx: layer '\(path.isEmpty ? "(model)" : path)' (\(kind)) has no ONNX form"
        }
    }
}
