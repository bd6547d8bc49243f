import Foundation
import GreenNN

extension Layer {
    /// The layer (a whole model, usually) as an ONNX file's bytes: opset 17, one input
    /// "input" of `[N, imageShape…]` with the batch symbolic, one output "output", the weights
    /// as initializers named by their state_dict paths (see `GraphExporter`).
    ///
    /// ```swift
    /// let model = try ModelZoo.model(named: "vgg16-cifar-ds")
    /// try model.exportONNX(to: URL(fileURLWithPath: "vgg16-cifar-ds.onnx"), imageShape: [3, 32, 32])
    /// ```
    /// - Parameter imageShape: one sample's shape, `[C, H, W]`.
    /// - Throws: `ONNXError.unsupportedLayer` naming the first layer with no ONNX form,
    ///   `.invalidNode` when a layer cannot take the shape it receives.
    public func onnxData(imageShape: Shape) throws(ONNXError) -> Data {
        var exporter = GraphExporter()
        let input = GraphExporter.Value(name: "input", shape: Shape([1] + imageShape.dimensions))
        let result = try exporter.export(self, path: "", input: input)
        var nodes = exporter.nodes
        if let producer = nodes.lastIndex(where: { $0.outputs == [result.name] }),
            !nodes.contains(where: { $0.inputs.contains(result.name) })
        {
            nodes[producer].outputs = ["output"]
        } else {
            nodes.append(NodeProto(opType: "Identity", name: "output", inputs: [result.name], outputs: ["output"]))
        }
        let graph = GraphProto(
            name: kind, nodes: nodes, initializers: exporter.initializers,
            inputs: [ValueInfoProto(name: "input", dimensions: [nil] + imageShape.dimensions.map { Optional($0) })],
            outputs: [
                ValueInfoProto(
                    name: "output", dimensions: [nil] + result.shape.dimensions.dropFirst().map { Optional($0) })
            ])
        let model = ModelProto(
            irVersion: GraphExporter.irVersion, opset: GraphExporter.opset, producer: "GreenNN", graph: graph)
        return Data(model.encoded())
    }

    /// Writes `onnxData(imageShape:)` to `url` atomically (a failed save leaves the old file).
    /// - Throws: `ONNXError` as `onnxData(imageShape:)`, or `.unwritable`.
    public func exportONNX(to url: URL, imageShape: Shape) throws(ONNXError) {
        let data = try onnxData(imageShape: imageShape)
        do {
            try AtomicFile.write(data, to: url)
        } catch {
            throw .unwritable(error)
        }
    }
}
