import Foundation
import Testing

/// `greenbench compress` on the tiny generated MNIST folder of `TrainCommandTests`: the JSON
/// document has the baseline and one row per level, each compressed row has fewer parameters
/// and its per-layer rows, fine-tuning records the accuracy before it, and bad levels, scopes
/// and option pairs exit 2 naming the problem.
@Suite struct CompressCommandTests {
    @Test func compressesAtEachLevelAndReportsBeforeAndAfter() throws {
        let data = try TrainCommandTests.makeData()
        defer { try? FileManager.default.removeItem(at: data) }
        let result = try CommandLineTests().greenbench(
            "compress", "lenet5", "--data", data.path, "--energy", "0.5,0.9", "--finetune", "1", "--runs", "1",
            "--format", "json")
        #expect(result.status == 0, "\(result.errors)")
        let document = try #require(try CommandLineTests().json(result.output) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows.map { $0["label"] as? String } == ["baseline", "energy 0.5", "energy 0.9"])
        let baselineParameters = try #require(rows[0]["parameters"] as? Int)
        #expect(baselineParameters == 61_706)
        for row in rows.dropFirst() {
            #expect((row["parameters"] as? Int ?? .max) < baselineParameters)
            #expect(row["testAccuracy"] is Double && row["testAccuracyBeforeFineTuning"] is Double)
            let layers = try #require(row["layers"] as? [[String: Any]])
            #expect(layers.map { $0["path"] as? String } == ["7", "9", "11"])
            #expect((row["joulesPerImage"] as? Double ?? 0) > 0)
        }
    }

    @Test func timesOnlyTheScopeWithRandomWeights() throws {
        let result = try CommandLineTests().greenbench(
            "compress", "lenet5", "--scope", "9", "--rank", "4", "--runs", "1", "--format", "csv")
        #expect(result.status == 0, "\(result.errors)")
        let rows = CommandLineTests().csvRows(result.output)
        // Linear(120, 84) alone: 10,164 parameters, 4·(120 + 84) + 84 = 900 at rank 4.
        #expect(rows.count == 3)
        #expect(rows.map { $0[3] } == ["params", "10164", "900"])
        #expect(rows[0].last == "energy source" && rows[1].last?.isEmpty == false)
    }

    @Test func rejectsBadLevelsScopesAndPairs() throws {
        let both = try CommandLineTests().greenbench("compress", "lenet5", "--energy", "0.9", "--rank", "4")
        #expect(both.status == 2 && both.errors.contains("not both"))
        let energy = try CommandLineTests().greenbench("compress", "lenet5", "--energy", "1.5")
        #expect(energy.status == 2 && energy.errors.contains("(0, 1]"))
        let scope = try CommandLineTests().greenbench("compress", "lenet5", "--scope", "features.99")
        #expect(scope.status == 2 && scope.errors.contains("no layer at --scope"))
        let empty = try CommandLineTests().greenbench("compress", "lenet5", "--scope", "9.")
        #expect(empty.status == 2 && empty.errors.contains("without empty parts"))
    }
}
