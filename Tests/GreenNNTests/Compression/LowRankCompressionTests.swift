import Foundation
import Testing

@testable import GreenNN

/// `compressLowRank` on small models: which layers are replaced and why others are kept, the
/// report's per-layer and total numbers against the cost of the compressed model, paths that
/// stay, full-energy compression that keeps the output, and errors that change nothing.
@Suite struct LowRankCompressionTests {
    /// 1x1 conv 8 → 12, ReLU, 3x3 conv → flatten → Linear(48, 40) → ReLU → Linear(40, 4), plus a 1x1 conv up front.
    func makeModel() throws -> Sequential {
        var random = generator(51)
        return try Sequential([
            try Conv2d(8, 12, kernelSize: 1, using: &random), ReLU(), try Conv2d(12, 3, kernelSize: 3, using: &random),
            Flatten(), try Linear(48, 40, using: &random), ReLU(), try Linear(40, 4, using: &random),
        ])
    }

    @Test func replacesWhatSavesParametersAndReportsTheRest() throws {
        let model = try makeModel()
        let input: Shape = [2, 8, 6, 6]
        let report = try model.compressLowRank(keeping: .rank(3), input: input)
        #expect(report.rows.map(\.path) == ["0", "4", "6"])
        #expect(model.layers[0] is LowRankPointwiseConv2d)
        #expect(model.layers[4] is LowRankLinear)
        // Linear(40, 4) at rank 3: 3·44 + 4 = 136 parameters against 164: replaced as well.
        #expect(model.layers[6] is LowRankLinear)
        let fc1 = report.rows[1]
        #expect(fc1.rank == 3 && fc1.fullRank == 40)
        #expect(fc1.parametersBefore == 48 * 40 + 40 && fc1.parametersAfter == 3 * (48 + 40) + 40)
        #expect(fc1.macsBefore == 2 * 48 * 40 && fc1.macsAfter == 2 * 3 * (48 + 40))
        #expect(report.after == (try model.cost(for: input)))
        #expect(
            report.before.parameters - report.after.parameters
                == report.rows.reduce(0) { $0 + $1.parametersBefore - $1.parametersAfter })
        #expect(model.parameters.map(\.name).contains("4.down.weight"))
        #expect(String(describing: report).contains("3 of 3 layers replaced"))

        let scoped = try makeModel()
        let only = try scoped.compressLowRank(keeping: .rank(3), input: input, under: "6")
        #expect(only.rows.map(\.path) == ["6"] && scoped.layers[6] is LowRankLinear && scoped.layers[4] is Linear)

        let again = try makeModel()
        let wide = try again.compressLowRank(keeping: .rank(15), input: input)
        #expect(wide.rows.map(\.replaced) == [false, true, false])
        #expect(wide.rows[0].reason == "rank 8 of 8 saves no parameters")
        #expect(wide.rows[2].rank == 4)
        #expect(again.layers[0] is Conv2d && again.layers[6] is Linear)
    }

    @Test func aLowRankWeightIsFoundAndTheOutputKept() throws {
        let model = try makeModel()
        let fc1 = try #require(model.layers[4] as? Linear)
        fc1.weight.value = Naive.matmul(randomTensor([40, 2], seed: 54), randomTensor([2, 48], seed: 55))
        let input = randomTensor([2, 8, 6, 6], seed: 52)
        let before = try model(input)
        let report = try model.compressLowRank(keeping: .energy(0.999999), input: input.shape)
        #expect(report.rows[1].rank == 2 && report.rows[1].replaced)
        #expect(report.rows[1].relativeError! < 1e-3)
        // The random 1x1 conv and last layer are full rank: at this energy nothing smaller exists.
        #expect(!report.rows[0].replaced && !report.rows[2].replaced)
        expectClose(try model(input), before, tolerance: 1e-4, "rank-2 weight")
    }

    @Test func aCompressedModelReloadsIntoACopyCompressedToTheSameRanks() throws {
        let source = try makeModel()
        let input = randomTensor([2, 8, 6, 6], seed: 56)
        let report = try source.compressLowRank(keeping: .energy(0.8), input: input.shape)
        #expect(!report.replaced.isEmpty)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try source.saveWeights(to: path)
        var random = generator(57)
        let copy = try Sequential([
            try Conv2d(8, 12, kernelSize: 1, using: &random), ReLU(), try Conv2d(12, 3, kernelSize: 3, using: &random),
            Flatten(), try Linear(48, 40, using: &random), ReLU(), try Linear(40, 4, using: &random),
        ])
        for row in report.replaced {
            try copy.compressLowRank(keeping: .rank(row.rank!), input: input.shape, under: row.path)
        }
        try copy.loadWeights(from: path)
        #expect(try copy(input).scalars == source(input).scalars)
    }

    @Test func keepsSharedLayersAndLayersInsideFixedBlocks() throws {
        var random = generator(53)
        let shared = try Linear(16, 16, using: &random)
        let model = try Sequential([
            shared, ReLU(), shared,
            try Sequential([try Linear(16, 16, using: &random)]),
        ])
        let scoped = try model.compressLowRank(keeping: .rank(2), input: [1, 16], under: "0")
        #expect(scoped.rows.map(\.reason) == ["shared by more than one path"], "sharing across the scope stays")
        let report = try model.compressLowRank(keeping: .rank(2), input: [1, 16])
        #expect(report.rows.map(\.path) == ["0", "2", "3.0"])
        #expect(report.rows[0].reason == "shared by more than one path" && !report.rows[1].replaced)
        #expect(report.rows[2].replaced)

        let block = try Sequential([try DepthwiseSeparableConv2d(4, 8, kernelSize: 3, padding: 1, using: &random)])
        let blockReport = try block.compressLowRank(keeping: .rank(1), input: [1, 4, 5, 5])
        #expect(blockReport.rows.map(\.path) == ["0.pointwise"])
        #expect(blockReport.rows[0].reason.contains("inside DepthwiseSeparableConv2d"))
        // An already factorised layer is not factorised again.
        let factorised = try Sequential([try LowRankLinear(16, 16, rank: 4, using: &random)])
        #expect(try factorised.compressLowRank(keeping: .rank(1), input: [1, 16]).rows.isEmpty)
    }

    @Test func errorsChangeNothing() throws {
        let model = try makeModel()
        // A NaN in the last layer: the first two factorisations succeed, but nothing is swapped.
        let last = try #require(model.layers[6] as? Linear)
        var poisoned = last.weight.value.scalars
        poisoned[3] = .nan
        last.weight.value = try Tensor(shape: last.weight.value.shape, scalars: poisoned)
        expectLayerError(["NaN"]) { try model.compressLowRank(keeping: .rank(2), input: [1, 8, 6, 6]) }
        #expect(model.layers[0] is Conv2d && model.layers[4] is Linear)
        expectLayerError(["has no layer at 'classifier.'"]) {
            try model.compressLowRank(keeping: .rank(2), input: [1, 8, 6, 6], under: "classifier.")
        }
        expectLayerError(["energy fraction must be in (0, 1]"]) {
            try model.compressLowRank(keeping: .energy(0), input: [1, 8, 6, 6])
        }
        expectLayerError(["has no layer at '9'"]) {
            try model.compressLowRank(keeping: .rank(2), input: [1, 8, 6, 6], under: "9")
        }
        expectLayerError(["expected input [N, 8, H, W]"]) {
            try model.compressLowRank(keeping: .rank(2), input: [1, 5, 6, 6])
        }
        #expect(model.layers[0] is Conv2d && model.layers[4] is Linear)
    }
}
