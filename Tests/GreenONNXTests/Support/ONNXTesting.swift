import Foundation
import GreenNN

@testable import GreenONNX

/// Helpers shared by the ONNX suites: fixture paths, hand-built graphs and output comparison.
enum ONNXTesting {
    /// Tests/Fixtures/ONNX.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent("ONNX")

    /// max |actual − expected| / max |expected|.
    static func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
        let scale = expected.scalars.map(abs).max() ?? 0
        let difference = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
        return difference / Swift.max(scale, .leastNormalMagnitude)
    }

    /// A tensor of `shape` filled from a fixed sequence in [-1, 1].
    static func input(_ shape: Shape, seed: UInt64 = 7) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return try Tensor(
            shape: shape, scalars: (0..<shape.elementCount).map { _ in Float.random(in: -1...1, using: &generator) })
    }

    /// `layer` and every layer below it, parents first.
    static func layers(in layer: any Layer) -> [any Layer] {
        [layer] + layer.children.flatMap { layers(in: $0.layer) }
    }

    /// A serialized model of `nodes` on one input "x" of `dimensions`, output `output`.
    static func model(
        nodes: [NodeProto], initializers: [TensorProto] = [], input dimensions: [Int?] = [1, 2, 4, 4],
        output: String = "y", opset: Int = 17
    ) -> Data {
        let graph = GraphProto(
            name: "test", nodes: nodes, initializers: initializers,
            inputs: [ValueInfoProto(name: "x", dimensions: dimensions)],
            outputs: [ValueInfoProto(name: output, dimensions: [nil])])
        return Data(ModelProto(irVersion: 8, opset: opset, producer: "test", graph: graph).encoded())
    }

    /// A FLOAT initializer of `dimensions` holding 0.1, 0.2, ….
    static func weight(_ name: String, _ dimensions: [Int]) -> TensorProto {
        TensorProto(
            name: name, dimensions: dimensions,
            floats: (0..<dimensions.reduce(1, *)).map { Float($0 % 7 + 1) / 10 })
    }
}
