import Foundation
import GreenEnergy
import GreenNN
import Testing

@testable import GreenBench

/// The benchmark harness's arithmetic on known samples.
@Suite struct ReportSupportTests {
    @Test func quantilesInterpolateBetweenClosestRanks() {
        let samples = [5.0, 1, 4, 2, 3]
        #expect(Statistics.median(samples) == 3)
        #expect(Statistics.quantile(samples, 0) == 1)
        #expect(Statistics.quantile(samples, 1) == 5)
        #expect(abs(Statistics.quantile(samples, 0.1) - 1.4) < 1e-12)
        #expect(abs(Statistics.quantile(samples, 0.9) - 4.6) < 1e-12)
        #expect(Statistics.median([1, 2, 3, 4]) == 2.5)
        #expect(Statistics.median([]).isNaN)
    }

    @Test func timingReportsItsOrderStatistics() {
        let timing = Timing(samples: [0.3, 0.1, 0.2, 0.5, 0.4])
        #expect(timing.median == 0.3)
        #expect(abs(timing.p10 - 0.14) < 1e-12)
        #expect(abs(timing.p90 - 0.46) < 1e-12)
    }

    @Test func progressNeverCountsPastTheRunsAsked() {
        #expect(Timing.runLabel(3, runs: 10) == "run 3 of 10")
        #expect(Timing.runLabel(10, runs: 10) == "run 10 of 10")
        #expect(Timing.runLabel(14, runs: 10) == "run 14 (10 asked, continuing to the minimum time)")
    }

    @Test func tablesRenderAlignedTextMarkdownAndCSV() {
        let table = Table(headers: ["model", "MACs"], rows: [["lenet5", "416,520"], ["x,y", "1"]])
        #expect(table.rendered(as: .markdown).split(separator: "\n")[1] == "| --- | --- |")
        #expect(table.rendered(as: .csv) == "model,MACs\nlenet5,416520\n\"x,y\",1")
        let text = table.rendered(as: .text).split(separator: "\n")
        #expect(text[2] == "lenet5  416,520")
    }

    @Test func rooflineTakesTheLowerRoof() {
        let memoryBound = LayerCost(kind: "Conv2d", input: [1, 1000], output: [1, 1000], macs: 1000)
        let point = Roofline(cost: memoryBound, peakGFLOPS: 100, bandwidthGBps: 10)
        // 2·1000 FLOPs over 4·1000 input + 4·1000 output bytes = 0.25 FLOP/byte → 2.5 GFLOP/s roof.
        #expect(point.intensity == 0.25)
        #expect(point.boundGFLOPS == 2.5)
        #expect(point.memoryBound)
        #expect(Roofline.ridge(peakGFLOPS: 100, bandwidthGBps: 10) == 10)
    }

    @Test func svgTextIsEscaped() {
        #expect(SVGChart.escape("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;")
    }
}

/// What the reports say where a number has no meaning, and how charts fit their data.
@Suite struct HonestReportTests {
    struct Opaque {}

    @Test func jsonWritesMeaninglessNumbersAsNullAndRefusesWhatItCannotEncode() throws {
        let missing: Double? = nil
        let text = try JSON.string(["nan": Double.nan, "infinity": Float.infinity, "missing": missing as Any, "one": 1])
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(decoded["nan"] is NSNull && decoded["infinity"] is NSNull && decoded["missing"] is NSNull)
        #expect(decoded["one"] as? Int == 1)
        #expect(throws: JSONError.self) { try JSON.string(["thing": Opaque()]) }
    }

    @Test func realisedIsTimeSavingOverMACSavingAndAbsentUnderFivePercent() throws {
        // Half the MACs, three quarters of the time: a quarter saved of a half = 0.5.
        #expect(SavingRealised.share(macRatio: 0.5, timeRatio: 0.75) == 0.5)
        #expect(SavingRealised.share(macRatio: 0.2, timeRatio: 0.2) == 1)
        #expect(SavingRealised.share(macRatio: 1, timeRatio: 0.9) == nil)
        // vgg16-cifar-lowrank saves 0.1% of the MACs: no share worth printing.
        #expect(SavingRealised.share(macRatio: 0.999, timeRatio: 0.79) == nil)
        #expect(SavingRealised.share(macRatio: 0.94, timeRatio: 1.2) != nil)
    }

    @Test func peakResidentMemoryIsResetBeforeEachModel() throws {
        let size = 256 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        buffer.initializeMemory(as: UInt8.self, repeating: 1, count: size)
        let withBuffer = ResidentMemory.peakBytes
        buffer.deallocate()
        ResidentMemory.resetPeak()
        let afterReset = ResidentMemory.peakBytes
        #expect(withBuffer >= size)
        #expect(afterReset < withBuffer - size / 2, "peak \(afterReset) after reset, \(withBuffer) with the buffer")
    }

    @Test func scatterAxesFitTheDataAndEveryPointIsLabelled() throws {
        let accuracies = [("lenet5", 88.9), ("lenet5-ds", 86.1), ("lenet5-flat", 85.2), ("lenet5-shared", 87.4)]
        let svg = SVGChart.scatter(
            title: "Fashion-MNIST test accuracy", xLabel: "MACs", yLabel: "accuracy %",
            points: accuracies.enumerated().map { index, item in
                SVGChart.Point(
                    x: Double(100_000 * (index + 1)), y: item.1, label: item.0, series: index, baseline: index == 0)
            }, seriesNames: accuracies.map(\.0), logarithmic: false)
        for (name, _) in accuracies.dropFirst() { #expect(svg.contains(">\(name)</text>")) }
        #expect(svg.contains(">lenet5 (baseline)</text>"))
        // The accuracy axis spans the data (85.2-88.9 plus a margin), not 0-100.
        let ticks = svg.components(separatedBy: "text-anchor=\"end\">").dropFirst().compactMap {
            Double($0.prefix { $0 != "<" })
        }
        #expect(ticks.count == 5 && ticks.allSatisfy { (84...90).contains($0) }, "\(ticks)")
    }

    @Test func tablesRenderEscapedHTMLAndCarryAConstantColumn() {
        let table = Table(headers: ["model", "MACs"], rows: [["a<b", "1,000"]]).appendingColumn("source", "RAPL")
        #expect(table.headers == ["model", "MACs", "source"] && table.rows[0] == ["a<b", "1,000", "RAPL"])
        let html = table.html()
        #expect(html.contains("<td>a&lt;b</td>") && html.contains("<td class=\"number\">1,000</td>"))
    }

    @Test func dataSetNamesComeFromTheFolder() {
        #expect(TrainingOptions.dataSetName("../shared/data/fashion-mnist") == "Fashion-MNIST")
        #expect(TrainingOptions.dataSetName("../shared/data/mnist/") == "MNIST")
        #expect(TrainingOptions.dataSetName("/tmp/digits") == "digits")
    }
}

/// A report holding a variant that saves no MACs (a shared-parameter one): before, its NaN
/// "realised" share made JSON encoding fail and results.json came out as `{}`.
@Suite struct SharedVariantReportTests {
    static func benchmark(_ model: String, baseline: String?, macs: Int, milliseconds: Double) -> ModelBenchmark {
        let power = ModelledPower(
            cores: 2, wattsPerCore: 12, usage: 1, memoryGigabytes: 8, wattsPerGigabyte: 0.3725,
            powerUsageEffectiveness: 1)
        let energy = EnergyReport(
            wallSeconds: milliseconds / 1e3, cpuSeconds: milliseconds / 1e3, joules: milliseconds / 1e2,
            carbonIntensity: .worldAverage, source: .modelled(power, raplUnavailable: nil))
        return ModelBenchmark(
            model: model, baseline: baseline, batch: 1, threads: 1,
            cost: LayerCost(kind: "Sequential", input: [1, 3, 32, 32], output: [1, 10], macs: macs),
            timing: Timing(samples: [milliseconds / 1e3]), energy: energy, peakGFLOPS: 100,
            peakResidentBytes: 1 << 20, residentBytesBefore: 1 << 19, executor: "plan", minorFaultsPerCall: 0,
            buffersPerCall: 0, arenaBytes: 4096,
            planBuildSeconds: 0.01, layers: [])
    }

    @Test func aVariantSavingNoMACsGetsNullNotAnEmptyReport() throws {
        let machine = MachinePeak(
            coreName: "Haswell", kernelInstructionSet: "avx2", gemm: [], overhead: [], int8: [], bandwidthGBps: 20,
            threads: 1)
        let report = BenchmarkReport(
            machine: machine, energySource: "modelled",
            results: [
                Self.benchmark("vgg16-cifar", baseline: nil, macs: 313_201_152, milliseconds: 4),
                Self.benchmark("vgg16-cifar-shared", baseline: "vgg16-cifar", macs: 313_201_152, milliseconds: 4.1),
            ])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try report.write(to: directory.path, layerPair: nil)
        let saved = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("results.json")))
                as? [String: Any])
        #expect((saved["models"] as? [Any])?.count == 2)
        let verdicts = try #require(saved["verdicts"] as? [[String: Any]])
        #expect(verdicts.count == 1 && verdicts[0]["savingRealised"] is NSNull)
        #expect(saved["energyMeasured"] as? Bool == false)
        #expect(report.verdictTable().rows[0].last == "--")
        #expect(try report.rendered(as: .text).contains("the energy ratio repeats the time ratio"))
    }
}
