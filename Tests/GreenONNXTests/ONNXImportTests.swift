import Foundation
import GreenNN
import Testing

@testable import GreenONNX

/// Importing ONNX files exported by PyTorch (Scripts/make_onnx_fixtures.py): each network's
/// output on the fixture's input matches ONNX Runtime's within 1e-4 relative error, eager and
/// planned, and the efficient patterns come back as GreenNN's blocks.
@Suite struct ONNXImportTests {
    /// Each fixture with the block kinds its cost table must show.
    static let fixtures: [(name: String, kinds: [String])] = [
        ("lenet5", ["Conv2d", "MaxPool2d", "Linear"]),
        ("lenet5-opset11", ["Conv2d", "Linear"]),
        ("basic-block", ["BasicBlock"]),
        ("inverted-residual", ["InvertedResidual", "ReLU6"]),
        ("fire", ["Fire", "MaxPool2d"]),
        ("depthwise-separable", ["DepthwiseSeparableConv2d", "AvgPool2d"]),
        ("operators", ["Conv2d", "AvgPool2d", "Linear", "Softmax"]),
        ("batchnorm", ["BatchNorm2d"]),
    ]

    @Test(arguments: fixtures.map(\.name))
    func matchesONNXRuntime(_ name: String) throws {
        let onnx = try ONNXModel(contentsOf: ONNXTesting.fixtures.appendingPathComponent("\(name).onnx"))
        let io = try SafeTensors.read(from: ONNXTesting.fixtures.appendingPathComponent("\(name)-io.safetensors").path)
        let input = try #require(io["input"]), expected = try #require(io["output"])
        #expect(onnx.imageShape.map { Shape([input.shape[0]] + $0.dimensions) } == input.shape)
        let eager = try onnx.network(input)
        #expect(eager.shape == expected.shape)
        #expect(ONNXTesting.relativeError(eager, expected) <= 1e-4)
        let planned = try onnx.network.inferencePlan(for: input.shape)(input)
        #expect(ONNXTesting.relativeError(planned, expected) <= 1e-4)
    }

    @Test(arguments: fixtures)
    func recognisesBlocks(_ fixture: (name: String, kinds: [String])) throws {
        let onnx = try ONNXModel(contentsOf: ONNXTesting.fixtures.appendingPathComponent("\(fixture.name).onnx"))
        let kinds = Set(onnx.network.children.map(\.layer.kind))
        for kind in fixture.kinds { #expect(kinds.contains(kind), "\(fixture.name): no \(kind) in \(kinds.sorted())") }
    }

    @Test func readsTheFilesDescription() throws {
        let onnx = try ONNXModel(contentsOf: ONNXTesting.fixtures.appendingPathComponent("basic-block.onnx"))
        #expect(onnx.opset == 17)
        #expect(onnx.producer == "pytorch")
        #expect(onnx.inputName == "input")
        #expect(onnx.imageShape == [3, 16, 16])
        let block = try #require(onnx.network.children[3].layer as? Residual)
        #expect(block.kind == "BasicBlock")
        guard case let .layer(downsample) = block.shortcut else {
            Issue.record("the strided block has no projection shortcut")
            return
        }
        #expect(downsample.name == "downsample")
        #expect(block.activation == .relu)
    }

    @Test func fixturesStaySmall() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ONNXTesting.fixtures.path)
        let bytes = try files.reduce(0) { total, file in
            let attributes = try FileManager.default.attributesOfItem(
                atPath: ONNXTesting.fixtures.appendingPathComponent(file).path)
            return total + ((attributes[.size] as? Int) ?? 0)
        }
        #expect(files.count == 2 * Self.fixtures.count)
        #expect(bytes < 2_000_000)
    }

    @Test func sequentialImportsTheSameNetwork() throws {
        let url = ONNXTesting.fixtures.appendingPathComponent("fire.onnx")
        let model = try Sequential(onnx: url)
        #expect(model.parameterCount == (try ONNXModel(contentsOf: url)).network.parameterCount)
    }
}
