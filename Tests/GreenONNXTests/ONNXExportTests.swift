import Foundation
import GreenModels
import GreenNN
import GreenProtobuf
import Testing

@testable import GreenONNX

/// Exporting to ONNX: a network exported and imported again computes what it computed
/// (within 1e-5 relative), every block keeps its structure in the file (a flattened conv as
/// three convs, a low-rank linear as two Gemms, a shared block's weights stored once), and the
/// averaging matrices that stand in for an adaptive pool compute that pool.
/// Scripts/check_onnx.py runs every zoo model's file in ONNX Runtime.
@Suite struct ONNXExportTests {
    /// The decoded file of `layer` on `image`.
    private func decoded(_ layer: any Layer, image: Shape) throws -> GraphProto {
        let data = try layer.onnxData(imageShape: image)
        let model = try data.withUnsafeBytes { bytes in
            var reader = ProtobufReader(bytes)
            return try ModelProto(decoding: &reader)
        }
        #expect(model.opsets[""] == 17)
        #expect(model.irVersion == 8)
        return try #require(model.graph)
    }

    /// Exports `layer`, imports the file, and compares both on a batch of two.
    private func roundTrip(_ layer: any Layer, image: Shape) throws {
        layer.eval()
        let imported = try ONNXModel(serialized: try layer.onnxData(imageShape: image))
        #expect(imported.imageShape == image)
        let input = try ONNXTesting.input(Shape([2] + image.dimensions))
        let expected = try layer(input)
        let actual = try imported.network(input)
        #expect(actual.shape == expected.shape)
        #expect(ONNXTesting.relativeError(actual, expected) <= 1e-5)
        #expect(imported.network.parameterCount == layer.parameterCount)
    }

    @Test(arguments: ["lenet5", "lenet5-ds", "lenet5-flattened", "lenet5-shrinked", "lenet5-lowrank", "lenet5-green"])
    func zooModelsSurviveTheRoundTrip(_ name: String) throws {
        let entry = try ModelZoo.entry(named: name)
        try roundTrip(try entry.model(), image: entry.imageShape)
    }

    @Test func everyBlockSurvivesTheRoundTrip() throws {
        var generator = SeededGenerator(seed: 3)
        let network = try Sequential([
            try Conv2d(3, 8, kernelSize: 3, padding: 1, using: &generator), try BatchNorm2d(8), ReLU(),
            try DepthwiseSeparableConv2d(8, 16, batchNorm: true, activation: .relu, using: &generator),
            try FlattenedConv2d(16, 16, kernelSize: 3, padding: 1, using: &generator), ReLU6(),
            try SharedBlock(
                try Sequential([try Conv2d(16, 16, kernelSize: 3, padding: 1, using: &generator), ReLU()]),
                repetitions: 2),
            try Fire(16, squeeze: 4, expand1x1: 8, expand3x3: 8, using: &generator),
            try Residual.basicBlock(16, 24, stride: 2, using: &generator),
            try Residual.invertedResidual(24, 24, stride: 1, expansion: 4, using: &generator),
            try LowRankPointwiseConv2d(
                down: try Conv2d(24, 4, kernelSize: 1, bias: false, using: &generator),
                up: try Conv2d(4, 32, kernelSize: 1, using: &generator)),
            try MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true),
            try AvgPool2d(kernelSize: 2, stride: 1, padding: 1, countIncludesPadding: false),
            try AdaptiveAvgPool2d(outputSize: 2), Flatten(),
            try LowRankLinear(128, 32, rank: 8, using: &generator), ReLU(), try Dropout(probability: 0.3),
            try Linear(32, 10, using: &generator), Softmax(),
        ])
        for norm in ONNXTesting.layers(in: network).compactMap({ $0 as? BatchNorm2d }) {
            let channels = Shape([norm.channels])
            norm.weight.value = try ONNXTesting.input(channels, seed: 11).map { 1 + $0 / 2 }
            norm.bias.value = try ONNXTesting.input(channels, seed: 12)
            try norm.setBuffer(named: "running_mean", to: try ONNXTesting.input(channels, seed: 13))
            try norm.setBuffer(named: "running_var", to: try ONNXTesting.input(channels, seed: 14).map { 1 + $0 / 2 })
        }
        try roundTrip(network, image: [3, 16, 16])
    }

    @Test func factorisedBlocksComeBackAsTheSameBlocks() throws {
        var generator = SeededGenerator(seed: 13)
        let network = try Sequential([
            try FlattenedConv2d(3, 8, kernelSize: 3, stride: 2, padding: 1, using: &generator), ReLU(),
            try LowRankPointwiseConv2d(
                down: try Conv2d(8, 2, kernelSize: 1, bias: false, using: &generator),
                up: try Conv2d(2, 8, kernelSize: 1, using: &generator)),
            Flatten(), try LowRankLinear(8 * 4 * 4, 10, rank: 3, using: &generator),
        ])
        let imported = try ONNXModel(serialized: try network.onnxData(imageShape: [3, 8, 8]))
        #expect(imported.network.children.map(\.layer.kind) == network.children.map(\.layer.kind))
        try roundTrip(network, image: [3, 8, 8])
    }

    @Test func aResidualWithoutShortcutKeepsItsActivation() throws {
        var generator = SeededGenerator(seed: 9)
        let block = try Residual(
            body: [NamedLayer("conv", try Conv2d(2, 2, kernelSize: 3, padding: 1, using: &generator))],
            shortcut: .none, activation: .relu6)
        try roundTrip(block, image: [2, 5, 5])
    }

    @Test func onlyIdenticalRunsBecomeSharedBlocks() throws {
        let weight = ONNXTesting.weight("w", [2, 2, 3, 3])
        func convolution(_ name: String, _ input: String, _ output: String, dilation: Int64) -> NodeProto {
            NodeProto(
                opType: "Conv", name: name, inputs: [input, "w"], outputs: [output],
                attributes: [
                    AttributeProto(name: "pads", integers: [dilation, dilation, dilation, dilation]),
                    AttributeProto(name: "dilations", integers: [dilation, dilation]),
                ])
        }
        func kinds(dilations: (Int64, Int64)) throws -> [String] {
            let nodes = [
                convolution("a", "x", "h", dilation: dilations.0),
                NodeProto(opType: "Relu", name: "r1", inputs: ["h"], outputs: ["i"]),
                convolution("b", "i", "j", dilation: dilations.1),
                NodeProto(opType: "Relu", name: "r2", inputs: ["j"], outputs: ["y"]),
            ]
            let onnx = try ONNXModel(
                serialized: ONNXTesting.model(nodes: nodes, initializers: [weight], input: [1, 2, 8, 8]))
            return onnx.network.children.map(\.layer.kind)
        }
        #expect(try kinds(dilations: (1, 1)) == ["SharedBlock"])
        #expect(try kinds(dilations: (1, 2)) == ["Conv2d", "ReLU", "Conv2d", "ReLU"])
    }

    @Test func blocksKeepTheirStructureInTheFile() throws {
        var generator = SeededGenerator(seed: 5)
        let shared = try SharedBlock(try Conv2d(4, 4, kernelSize: 3, padding: 1, using: &generator), repetitions: 3)
        let network = try Sequential([
            try FlattenedConv2d(3, 4, kernelSize: 3, padding: 1, using: &generator), shared, Flatten(),
            try LowRankLinear(4 * 8 * 8, 10, rank: 2, using: &generator),
        ])
        let graph = try decoded(network, image: [3, 8, 8])
        #expect(
            graph.nodes.map(\.opType) == ["Conv", "Conv", "Conv", "Conv", "Conv", "Conv", "Flatten", "Gemm", "Gemm"])
        #expect(Set(graph.nodes[3...5].map { $0.inputs[1] }).count == 1, "each use of the shared conv reads one weight")
        #expect(graph.initializers.count == network.parameters.count)
        #expect(graph.initializers.map(\.name).contains("1.block.weight"))
        #expect(graph.nodes.last?.outputs == ["output"])
        #expect(graph.inputs.first?.dimensions == [nil, 3, 8, 8])
    }

    @Test func adaptivePoolingExportsAsExactAveragingMatrices() throws {
        let pool = try AdaptiveAvgPool2d(outputSize: Size2D(height: 7, width: 3))
        let graph = try decoded(pool, image: [2, 5, 4])
        #expect(graph.nodes.map(\.opType) == ["MatMul", "MatMul"])
        let columns = try #require(graph.initializers.first { $0.name.hasSuffix("columns") })
        let rows = try #require(graph.initializers.first { $0.name.hasSuffix("rows") })
        #expect(columns.dimensions == [4, 3] && rows.dimensions == [7, 5])
        let input = try ONNXTesting.input([1, 2, 5, 4])
        let expected = try pool(input).scalars
        // rows · X · columns for each channel, as ONNX Runtime's two MatMuls compute it.
        var actual: [Float] = []
        let x = input.scalars
        for channel in 0..<2 {
            for row in 0..<7 {
                for column in 0..<3 {
                    var sum: Float = 0
                    for i in 0..<5 {
                        for j in 0..<4 {
                            sum +=
                                rows.floats[row * 5 + i] * x[channel * 20 + i * 4 + j] * columns.floats[j * 3 + column]
                        }
                    }
                    actual.append(sum)
                }
            }
        }
        let error = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error <= 1e-6)
    }

    @Test func namesALayerWithNoONNXForm() {
        final class Custom: Layer {
            var isTraining = false
            func forward(_ input: Tensor) throws -> Tensor { input }
            func backward(_ outputGradient: Tensor) throws -> Tensor { outputGradient }
            func cost(for input: Shape) throws -> LayerCost { LayerCost(kind: kind, input: input, output: input) }
            var description: String { "Custom()" }
        }
        #expect(throws: ONNXError.unsupportedLayer(path: "1", kind: "Custom")) {
            try Sequential([ReLU(), Custom()]).onnxData(imageShape: [1, 4, 4])
        }
    }
}
