import Foundation
import GreenNN
import Testing

@testable import GreenONNX

/// Files the importer must refuse, each with a typed error naming the node, its operator and
/// the opset (or the byte offset for broken bytes); nothing half-built is returned.
@Suite struct ONNXErrorTests {
    private func importing(_ data: Data) -> ONNXError? {
        do {
            _ = try ONNXModel(serialized: data)
            return nil
        } catch {
            return error
        }
    }

    private func convolution(pads: [Int64] = [0, 0, 0, 0], weightName: String = "w") -> NodeProto {
        NodeProto(
            opType: "Conv", name: "conv", inputs: ["x", weightName], outputs: ["y"],
            attributes: [AttributeProto(name: "pads", integers: pads)])
    }

    @Test func namesAnUnsupportedOperator() {
        let data = ONNXTesting.model(nodes: [
            NodeProto(opType: "LeakyRelu", name: "leaky", inputs: ["x"], outputs: ["y"])
        ])
        #expect(importing(data) == .unsupportedOperator(node: "leaky", opType: "LeakyRelu", opset: 17))
        #expect(importing(data)?.description.contains("LeakyRelu (opset 17)") == true)
    }

    @Test func refusesAsymmetricPadding() {
        let data = ONNXTesting.model(
            nodes: [convolution(pads: [1, 1, 0, 0])], initializers: [ONNXTesting.weight("w", [3, 2, 3, 3])])
        guard case let .unsupportedAttribute(node, opType, attribute, _, opset) = importing(data) else {
            Issue.record("expected unsupportedAttribute, got \(String(describing: importing(data)))")
            return
        }
        #expect((node, opType, attribute, opset) == ("conv", "Conv", "pads", 17))
    }

    @Test func refusesOpsetsOutsideTheRange() {
        let data = ONNXTesting.model(
            nodes: [NodeProto(opType: "Relu", name: "r", inputs: ["x"], outputs: ["y"])], opset: 9)
        #expect(importing(data) == .unsupportedOpset(version: 9))
    }

    @Test func refusesAWeightComputedAtRunTime() {
        let nodes = [
            NodeProto(opType: "Relu", name: "r", inputs: ["x"], outputs: ["h"]),
            NodeProto(opType: "Conv", name: "conv", inputs: ["h", "x"], outputs: ["y"]),
        ]
        guard case let .unsupportedGraph(node, opType, _, _) = importing(ONNXTesting.model(nodes: nodes)) else {
            Issue.record("expected unsupportedGraph")
            return
        }
        #expect((node, opType) == ("conv", "Conv"))
    }

    @Test func refusesWeightsOfTheWrongShape() {
        let data = ONNXTesting.model(nodes: [convolution()], initializers: [ONNXTesting.weight("w", [3, 5, 3, 3])])
        guard case let .invalidNode(node, opType, reason) = importing(data) else {
            Issue.record("expected invalidNode, got \(String(describing: importing(data)))")
            return
        }
        #expect((node, opType) == ("conv", "Conv"))
        #expect(reason.contains("[1, 2, 4, 4]"))
    }

    @Test func refusesFloat16AndExternalData() {
        var half = ONNXTesting.weight("w", [3, 2, 3, 3])
        half.dataType = TensorProto.DataType.float16.rawValue
        half.floats = []
        half.integers = Array(repeating: 0, count: 54)
        #expect(importing(ONNXTesting.model(nodes: [convolution()], initializers: [half])) != nil)
        let external = Data(
            ModelProto(
                irVersion: 8, opset: 17, producer: "test",
                graph: GraphProto(
                    name: "g", nodes: [convolution()], initializers: [], inputs: [], outputs: [])
            ).encoded())
        #expect(importing(external) != nil)
    }

    @Test func refusesBranchesThatNeverMeet() {
        let nodes = [
            NodeProto(opType: "Relu", name: "a", inputs: ["x"], outputs: ["y"]),
            NodeProto(opType: "Relu", name: "b", inputs: ["x"], outputs: ["z"]),
        ]
        guard case .unsupportedGraph = importing(ONNXTesting.model(nodes: nodes)) else {
            Issue.record(
                "expected unsupportedGraph, got \(String(describing: importing(ONNXTesting.model(nodes: nodes))))")
            return
        }
    }

    @Test func refusesAValueWrittenTwice() {
        let nodes = [
            NodeProto(opType: "Relu", name: "a", inputs: ["x"], outputs: ["y"]),
            NodeProto(opType: "Relu", name: "b", inputs: ["y"], outputs: ["y"]),
        ]
        guard case .invalidModel = importing(ONNXTesting.model(nodes: nodes)) else {
            Issue.record("expected invalidModel for a value written twice")
            return
        }
    }

    @Test func refusesAReshapeThatMixesSamples() {
        let shape = TensorProto(name: "shape", dimensions: [2], integers: [1, -1])
        let node = NodeProto(opType: "Reshape", name: "reshape", inputs: ["x", "shape"], outputs: ["y"])
        let symbolic = ONNXTesting.model(nodes: [node], initializers: [shape], input: [nil, 2, 4, 4])
        guard case .unsupportedAttribute(_, _, "shape", _, _) = importing(symbolic) else {
            Issue.record("a [1, -1] reshape of a batch of N must be refused")
            return
        }
        #expect(importing(ONNXTesting.model(nodes: [node], initializers: [shape], input: [1, 2, 4, 4])) == nil)
    }

    @Test func reportsTruncatedAndMissingFiles() throws {
        let data = try Data(contentsOf: ONNXTesting.fixtures.appendingPathComponent("batchnorm.onnx"))
        guard case .malformed = importing(data.prefix(data.count / 2)) else {
            Issue.record("expected malformed for a truncated file")
            return
        }
        #expect(throws: ONNXError.self) { try ONNXModel(contentsOf: URL(fileURLWithPath: "/nonexistent/model.onnx")) }
        #expect(importing(Data()) == .invalidModel("the file imports no version of the standard operator set"))
    }
}
