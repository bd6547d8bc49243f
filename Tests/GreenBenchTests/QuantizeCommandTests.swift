import Foundation
import GreenNN
import Testing

/// `greenbench quantize` on the tiny generated MNIST folder of `TrainCommandTests` and on random
/// weights: float and int8 rows with accuracy, agreement, bytes, latency and joules; the saved
/// float weights; `--evaluate 0` leaving agreement out; bad methods exit 2. And `greenbench
/// table --energy`: the energy columns at both precisions.
@Suite struct QuantizeCommandTests {
    @Test func setsFloatAndInt8SideBySide() throws {
        let data = try TrainCommandTests.makeData()
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).safetensors")
        defer {
            try? FileManager.default.removeItem(at: data)
            try? FileManager.default.removeItem(at: weights)
        }
        let result = try CommandLineTests().greenbench(
            "quantize", "lenet5", "--data", data.path, "--calibrate", "32", "--method", "minmax", "--runs", "1",
            "--save-weights", weights.path, "--format", "json")
        #expect(result.status == 0, "\(result.errors)")
        let document = try #require(try CommandLineTests().json(result.output) as? [String: Any])
        #expect(document["method"] as? String == "min-max" && document["calibrationImages"] as? Int == 32)
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows.map { $0["label"] as? String } == ["float32", "int8"])
        let (float, int8) = (rows[0], rows[1])
        #expect(float["testAccuracy"] is Double && int8["testAccuracy"] is Double)
        #expect((int8["top1Agreement"] as? Double ?? 0) > 0.5)
        #expect((int8["logitCosine"] as? Double ?? 0) > 0.99)
        // 61,470 codes plus a half-precision scale (2 bytes) and a float bias (4) for each of
        // lenet5's 236 output channels.
        #expect(float["weightBytes"] as? Int == 246_824 && int8["weightBytes"] as? Int == 61_470 + 6 * 236)
        #expect((int8["medianSeconds"] as? Double ?? 0) > 0 && (int8["joulesPerImage"] as? Double ?? 0) > 0)
        let saved = try SafeTensors.read(from: weights.path)
        #expect(saved["0.weight"]?.shape == [6, 1, 5, 5])
    }

    @Test func randomWeightsWithoutEvaluationLeaveAgreementOut() throws {
        let result = try CommandLineTests().greenbench(
            "quantize", "lenet5", "--calibrate", "4", "--evaluate", "0", "--runs", "1", "--format", "json")
        #expect(result.status == 0, "\(result.errors)")
        let document = try #require(try CommandLineTests().json(result.output) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows[1]["top1Agreement"] is NSNull && rows[1]["testAccuracy"] is NSNull)
        let text = try CommandLineTests().greenbench(
            "quantize", "lenet5", "--calibrate", "4", "--evaluate", "0", "--runs", "1", "--steps")
        #expect(text.status == 0 && text.output.contains("int8 plan") && text.output.contains("int8 gemm"))
    }

    @Test func refusesAnUnknownMethod() throws {
        let result = try CommandLineTests().greenbench("quantize", "lenet5", "--method", "median")
        #expect(result.status == 2)
        #expect(result.errors.contains("--method must be minmax, percentile or percentile:P"))
    }

    @Test func tableAddsEnergyColumnsAtEitherPrecision() throws {
        let float = try CommandLineTests().greenbench("table", "lenet5", "--energy", "float32", "--format", "csv")
        let int8 = try CommandLineTests().greenbench("table", "lenet5", "--energy", "int8", "--format", "csv")
        #expect(float.status == 0 && int8.status == 0)
        let (floatTotal, int8Total) = (
            CommandLineTests().csvRows(float.output).last ?? [], CommandLineTests().csvRows(int8.output).last ?? []
        )
        #expect(floatTotal.first == "total" && floatTotal.count == 13)
        // int8: a quarter of the bytes and far cheaper arithmetic.
        #expect(abs(Double(int8Total[12])! * 4 / Double(floatTotal[12])! - 1) < 1e-9)
        #expect(Double(int8Total[11])! < Double(floatTotal[11])! / 10)
        let bad = try CommandLineTests().greenbench("table", "lenet5", "--energy", "int4")
        #expect(bad.status == 2 && bad.errors.contains("--energy must be one of float32, int8"))
    }
}
