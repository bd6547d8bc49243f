import Foundation
import GreenNN
import Testing

/// `greenbench infer` on the lenet5 PyTorch fixture: the written "output" matches PyTorch's within
/// 1e-4 relative error, and bad weights or inputs exit 1 naming the problem.
@Suite struct InferCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    @Test func reproducesPyTorchsOutput() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CommandLineTests().greenbench(
            "infer", "lenet5", "--weights", fixture("lenet5-weights.safetensors"), "--input",
            fixture("lenet5-io.safetensors"), "--output", output)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("output [2, 10]"))
        let written = try #require(try SafeTensors.read(from: output)["output"])
        let expected = try #require(try SafeTensors.read(from: fixture("lenet5-io.safetensors"))["output"])
        #expect(written.shape == expected.shape)
        let scale = expected.scalars.map(abs).max() ?? 0
        let difference = zip(written.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-4 * scale, "max |Δ| \(difference) against \(scale)")
    }

    @Test func reportsWeightsThatDoNotFitAndInputsThatDoNotExist() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).safetensors").path
        let mismatched = try CommandLineTests().greenbench(
            "infer", "lenet5", "--weights", fixture("fire-weights.safetensors"), "--input",
            fixture("lenet5-io.safetensors"), "--output", output)
        #expect(mismatched.status == 1)
        #expect(mismatched.errors.contains("missing") && mismatched.errors.contains("squeeze.weight"))
        let noInput = try CommandLineTests().greenbench(
            "infer", "lenet5", "--weights", fixture("lenet5-weights.safetensors"), "--input",
            fixture("lenet5-weights.safetensors"), "--output", output)
        #expect(noInput.status == 1)
        #expect(noInput.errors.contains("no tensor named 'input'"))
        let missingOption = try CommandLineTests().greenbench("infer", "lenet5")
        #expect(missingOption.status == 2)
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
