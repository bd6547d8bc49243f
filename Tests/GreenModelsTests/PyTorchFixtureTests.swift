import Foundation
import Testing

@testable import GreenModels

/// One PyTorch fixture (Scripts/make_fixtures.py): the GreenNN twin of a PyTorch model or block.
struct PyTorchFixture: CustomStringConvertible, Sendable {
    /// The files' prefix under Tests/Fixtures.
    let name: String
    /// Builds the GreenNN twin with arbitrary weights (the fixture's replace them).
    let build: @Sendable () throws -> any Layer
    var description: String { name }

    static let all: [PyTorchFixture] = [
        PyTorchFixture(name: "lenet5") { try ModelZoo.model(named: "lenet5") },
        PyTorchFixture(name: "depthwise-separable") {
            try DepthwiseSeparableConv2d(
                16, 32, kernelSize: 3, stride: Size2D(2), padding: 1, batchNorm: true, activation: .relu)
        },
        PyTorchFixture(name: "fire") { try Fire(32, squeeze: 8, expand1x1: 16, expand3x3: 16) },
        PyTorchFixture(name: "flattened") { try FlattenedConv2d(8, 16, kernelSize: 3, padding: 1) },
        PyTorchFixture(name: "low-rank-linear") { try LowRankLinear(64, 48, rank: 8) },
        PyTorchFixture(name: "mobilenet-v1-head") {
            // mobilenet-v1's stem and first three depthwise-separable blocks.
            let model = try ModelZoo.model(named: "mobilenet-v1")
            let features = try #require(model.children.first?.layer as? Sequential)
            return try Sequential(Array(features.layers.prefix(4)))
        },
        // torchvision's own BasicBlock and InvertedResidual classes.
        PyTorchFixture(name: "basic-block") {
            var generator = SeededGenerator(seed: 1)
            return try Residual.basicBlock(16, 32, stride: 2, using: &generator)
        },
        PyTorchFixture(name: "inverted-residual") {
            var generator = SeededGenerator(seed: 1)
            return try Residual.invertedResidual(16, 16, stride: 1, expansion: 6, using: &generator)
        },
    ]
}

/// GreenNN against PyTorch: each fixture's weights (a PyTorch state_dict, BatchNorm's I64
/// counters included) load strictly into the GreenNN twin, and the twin's output on the
/// fixture's input matches PyTorch's within 1e-4 relative error (max |Δ| / max |PyTorch|).
@Suite struct PyTorchFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    @Test(arguments: PyTorchFixture.all)
    func matchesPyTorch(_ fixture: PyTorchFixture) throws {
        let model = try fixture.build()
        let prefix = Self.directory.appendingPathComponent(fixture.name).path
        let report = try model.loadWeights(from: prefix + "-weights.safetensors")
        #expect(report.isEmpty)
        let io = try SafeTensors.read(from: prefix + "-io.safetensors")
        let input = try #require(io["input"]), expected = try #require(io["output"])
        model.eval()
        let output = try model(input)
        #expect(output.shape == expected.shape)
        let scale = expected.scalars.map(abs).max() ?? 0
        let difference = zip(output.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(scale > 0)
        #expect(difference <= 1e-4 * scale, "max |Δ| \(difference) against max |output| \(scale)")
    }

    /// torchvision's state_dict names and shapes (Scripts/make_fixtures.py with torchvision).
    static let torchvision: [String: [String: [Int]]] = {
        let url = directory.appendingPathComponent("torchvision-state-dicts.json")
        guard let data = try? Data(contentsOf: url),
            let manifest = try? JSONDecoder().decode([String: [String: [Int]]].self, from: data)
        else { return [:] }
        return manifest
    }()

    /// BatchNorm's `num_batches_tracked` counters are left out: loading accepts and ignores them.
    @Test(arguments: [
        "vgg11", "vgg13", "vgg16", "vgg19", "squeezenet1.0", "squeezenet1.1", "resnet18", "mobilenet-v2",
    ])
    func zooModelsHaveTorchvisionsStateDictionary(_ name: String) throws {
        let expected = try #require(Self.torchvision[name], "no torchvision manifest for \(name)").filter {
            !$0.key.hasSuffix(".num_batches_tracked")
        }
        let ours = try ModelZoo.model(named: name).stateDictionary.mapValues(\.shape.dimensions)
        #expect(Set(ours.keys).subtracting(expected.keys).sorted() == [], "names torchvision does not have")
        #expect(Set(expected.keys).subtracting(ours.keys).sorted() == [], "torchvision names the zoo lacks")
        for (key, shape) in expected where ours[key] != nil {
            #expect(ours[key] == shape, "\(key)")
        }
    }

    @Test func fixturesStaySmall() throws {
        // Fuzz/ holds the fuzzers' regression inputs (FuzzRegressionTests) and ONNX/ the ONNX
        // import fixtures (ONNXImportTests checks their size), not PyTorch fixtures.
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter {
            $0 != "Fuzz" && $0 != "ONNX"
        }
        let bytes = try files.reduce(0) { total, file in
            let attributes = try FileManager.default.attributesOfItem(
                atPath: Self.directory.appendingPathComponent(file).path)
            return total + ((attributes[.size] as? Int) ?? 0)
        }
        #expect(files.count == 2 * PyTorchFixture.all.count + 1)
        #expect(bytes < 2_000_000)
    }
}
