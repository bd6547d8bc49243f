import Foundation
import Testing

@testable import GreenModels

/// FuzzStateDict's kept inputs (Tests/Fixtures/Fuzz/FuzzStateDict/), replayed as the harness feeds
/// them: loaded into LeNet-5 non-strictly, then strictly. Each must load or throw a
/// `WeightsError`, never trap; the hand-made one also pins its error.
@Suite struct FuzzStateDictRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("Fuzz").appendingPathComponent("FuzzStateDict")

    static let inputs: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }()

    @Test(arguments: inputs)
    func inputLoadsOrThrows(_ name: String) throws {
        let model = try ModelZoo.model(named: "lenet5")
        let path = Self.folder.appendingPathComponent(name).path
        _ = try? model.loadWeights(from: path, strict: false)
        _ = try? model.loadWeights(from: path)
    }

    @Test(arguments: [false, true])
    func nonFiniteBiasIsRefusedStrictOrNot(_ strict: Bool) throws {
        let model = try ModelZoo.model(named: "lenet5")
        let path = Self.folder.appendingPathComponent("nan-bias.safetensors").path
        do {
            try model.loadWeights(from: path, strict: strict)
            Issue.record("a NaN bias was loaded")
        } catch {
            guard case let .mismatch(mismatch) = error else {
                Issue.record("expected a mismatch, got \(error)")
                return
            }
            #expect(mismatch.nonFinite == ["0.bias"] && mismatch.misshaped.isEmpty)
            #expect(mismatch.missing.count == (strict ? 9 : 0), "\(mismatch)")
        }
    }
}
