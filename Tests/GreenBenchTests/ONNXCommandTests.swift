import Foundation
import GreenNN
import Testing

/// greenbench with ONNX files: `table`, `infer` and `run` take a file where they take a model
/// name, `export` writes one that `infer` runs to the zoo model's own output, and a file that is
/// not ONNX exits 1 with the reader's error.
@Suite struct ONNXCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("ONNX")

    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    /// max |actual − expected| / max |expected|.
    func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
        let scale = expected.scalars.map(abs).max() ?? 0
        let difference = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
        return difference / scale
    }

    func temporary(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID())\(suffix)").path
    }

    @Test func tableShowsTheImportedBlocks() throws {
        let result = try CommandLineTests().greenbench("table", fixture("inverted-residual.onnx"), "--depth", "1")
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("InvertedResidual"))
        #expect(result.output.contains("Input: [1, 3, 32, 32]"))
    }

    @Test func inferRunsTheFilesOwnWeights() throws {
        let output = temporary(".safetensors")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CommandLineTests().greenbench(
            "infer", fixture("fire.onnx"), "--input", fixture("fire-io.safetensors"), "--output", output)
        #expect(result.status == 0, "\(result.errors)")
        let written = try #require(try SafeTensors.read(from: output)["output"])
        let expected = try #require(try SafeTensors.read(from: fixture("fire-io.safetensors"))["output"])
        #expect(relativeError(written, expected) <= 1e-4)
    }

    @Test func exportedZooModelsRunToTheirOwnOutput() throws {
        let file = temporary(".onnx"), input = temporary(".safetensors")
        let fromZoo = temporary(".safetensors"), fromFile = temporary(".safetensors")
        defer { for path in [file, input, fromZoo, fromFile] { try? FileManager.default.removeItem(atPath: path) } }
        let exported = try CommandLineTests().greenbench("export", "lenet5-green", "--onnx", file)
        #expect(exported.status == 0, "\(exported.errors)")
        #expect(exported.output.contains("ONNX opset 17"))
        var generator = SeededGenerator(seed: 4)
        let image = try Tensor(
            shape: [3, 1, 28, 28], scalars: (0..<(3 * 28 * 28)).map { _ in Float.random(in: 0...1, using: &generator) })
        try SafeTensors.write(["input": image], to: input)
        let zoo = try CommandLineTests().greenbench("infer", "lenet5-green", "--input", input, "--output", fromZoo)
        let onnx = try CommandLineTests().greenbench("infer", file, "--input", input, "--output", fromFile)
        #expect(zoo.status == 0 && onnx.status == 0, "\(zoo.errors) \(onnx.errors)")
        let expected = try #require(try SafeTensors.read(from: fromZoo)["output"])
        let actual = try #require(try SafeTensors.read(from: fromFile)["output"])
        #expect(relativeError(actual, expected) <= 1e-5)
    }

    @Test func runTimesAFile() throws {
        let result = try CommandLineTests().greenbench(
            "run", fixture("depthwise-separable.onnx"), "--runs", "1", "--warmup", "0", "--threads", "1", "--format",
            "csv")
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("depthwise-separable.onnx"))
    }

    @Test func aFileThatIsNotONNXFails() throws {
        let result = try CommandLineTests().greenbench(
            "table",
            fixture("fire-io.safetensors").replacingOccurrences(
                of: ".safetensors", with: ".onnx"
            ).replacingOccurrences(of: "fire-io", with: "missing"))
        #expect(result.status == 1)
        #expect(result.errors.contains("onnx: cannot read"))
        let garbage = temporary(".onnx")
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        try Data([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).write(to: URL(fileURLWithPath: garbage))
        let malformed = try CommandLineTests().greenbench("infer", garbage, "--input", garbage, "--output", garbage)
        #expect(malformed.status == 1)
        #expect(malformed.errors.contains("not a valid ONNX protobuf file"))
    }
}
