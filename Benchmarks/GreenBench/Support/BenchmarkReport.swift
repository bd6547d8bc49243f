import Foundation
import GreenEnergy
import GreenModels

/// The results of a `greenbench run` (or the standard suite): the machine's limits, every
/// model measured, and the verdict of each variant against its baseline. Renders the
/// summary tables and writes the report folder (report.md, results.json, results.csv, SVGs).
struct BenchmarkReport {
    let machine: MachinePeak
    let energySource: String
    let results: [ModelBenchmark]

    /// A variant against its baseline at the same batch: MAC, time and energy ratios.
    struct Verdict {
        let variant: ModelBenchmark
        let baseline: ModelBenchmark
        var macRatio: Double { Double(variant.cost.macs) / Double(baseline.cost.macs) }
        var timeRatio: Double { variant.timing.median / baseline.timing.median }
        var energyRatio: Double { variant.joulesPerImage / baseline.joulesPerImage }
        /// Time saving as a share of MAC saving: (1 − time ratio) / (1 − MAC ratio).
        var savingRealised: Double { macRatio < 1 ? (1 - timeRatio) / (1 - macRatio) : .nan }
    }

    var verdicts: [Verdict] {
        results.compactMap { variant in
            guard let name = variant.baseline,
                let baseline = results.first(where: { $0.model == name && $0.batch == variant.batch })
            else { return nil }
            return Verdict(variant: variant, baseline: baseline)
        }
    }

    // MARK: Tables

    func summaryTable() -> Table {
        var table = Table(
            headers: [
                "model", "exec", "batch", "thr", "median ms", "p10", "p90", "images/s", "GFLOP/s", "% peak",
                "weight MB", "peak RSS MB", "faults/call", "J/image", "gCO2e/1k img",
            ], rows: [])
        for result in results {
            table.rows.append([
                result.model, result.executor, "\(result.batch)", "\(result.threads)",
                Format.fixed(result.timing.median * 1e3, 3),
                Format.fixed(result.timing.p10 * 1e3, 3), Format.fixed(result.timing.p90 * 1e3, 3),
                Format.fixed(result.imagesPerSecond, 1), Format.fixed(result.gflops, 1),
                Format.fixed(100 * result.peakShare, 1), Format.fixed(Double(result.cost.weightBytes) / 1e6, 2),
                Format.fixed(Double(result.peakResidentBytes) / 1e6, 0), Format.fixed(result.minorFaultsPerCall, 1),
                Format.scientific(result.joulesPerImage),
                Format.scientific(result.gramsCO2ePerThousandImages),
            ])
        }
        return table
    }

    func verdictTable() -> Table {
        var table = Table(
            headers: [
                "variant", "baseline", "batch", "MAC ratio", "time ratio", "energy ratio", "MAC saving",
                "time saving", "realised",
            ], rows: [])
        for verdict in verdicts {
            table.rows.append([
                verdict.variant.model, verdict.baseline.model, "\(verdict.variant.batch)",
                Format.fixed(verdict.macRatio, 3),
                Format.fixed(verdict.timeRatio, 3), Format.fixed(verdict.energyRatio, 3),
                Format.fixed(100 * (1 - verdict.macRatio), 1) + "%",
                Format.fixed(100 * (1 - verdict.timeRatio), 1) + "%",
                Format.fixed(verdict.savingRealised, 2),
            ])
        }
        return table
    }

    /// Per layer (eager) or per planned step: a plan's steps add their kernel and the MACs it
    /// executes beside the model's MACs, and name what was fused into them ("Conv2d+BatchNorm2d+ReLU").
    func layerTable(_ result: ModelBenchmark) -> Table {
        let planned = result.layers.contains { $0.kernel != nil }
        var table = Table(
            headers: ["layer", "kind"] + (planned ? ["kernel"] : []) + ["MACs"] + (planned ? ["executed MACs"] : [])
                + [
                    "FLOPs", "median ms", "time %", "GFLOP/s", "FLOP/byte", "bound GFLOP/s", "% of bound", "limit",
                    "mJ",
                ], rows: [])
        for row in result.layers {
            let kind = ([CostTable.kindLabel(row.cost)] + row.fused).joined(separator: "+")
            table.rows.append(
                [row.path, kind] + (planned ? [row.kernel ?? "--"] : []) + [Format.grouped(row.cost.macs)]
                    + (planned ? [Format.grouped(row.executedMACs)] : []) + [
                        Format.grouped(row.cost.flops),
                        Format.fixed(row.medianSeconds * 1e3, 3), Format.fixed(100 * row.timeShare, 1),
                        Format.fixed(row.gflops, 1),
                        Format.fixed(row.roofline.intensity, 2), Format.fixed(row.roofline.boundGFLOPS, 1),
                        row.cost.macs == 0 ? "--" : Format.fixed(100 * row.boundShare, 1),
                        row.cost.macs == 0 ? "--" : (row.roofline.memoryBound ? "memory" : "compute"),
                        Format.fixed(row.joules * 1e3, 3),
                    ])
        }
        return table
    }

    func environment() -> String {
        "OpenBLAS core \(machine.coreName), GreenNN kernels \(machine.kernelInstructionSet), "
            + "sgemm peak \(Format.fixed(machine.peakGFLOPS(threads: 1), 1)) GFLOP/s (1 thread), "
            + "\(Format.fixed(machine.peakGFLOPS(threads: machine.threads), 1)) GFLOP/s (\(machine.threads) threads), "
            + "STREAM triad \(Format.fixed(machine.bandwidthGBps, 1)) GB/s. Energy: \(energySource)."
    }

    /// The summary, verdict and (with per-layer data) layer tables, in `format`.
    func rendered(as format: OutputFormat) -> String {
        if format == .json { return JSON.string(jsonObject()) }
        var sections = [environment(), summaryTable().rendered(as: format)]
        if !verdicts.isEmpty { sections.append(verdictTable().rendered(as: format)) }
        for result in results where !result.layers.isEmpty {
            sections.append(
                "\(result.model), batch \(result.batch), per layer:\n" + layerTable(result).rendered(as: format))
        }
        return sections.joined(separator: "\n\n")
    }

    func jsonObject() -> [String: Any] {
        [
            "machine": [
                "openblasCore": machine.coreName, "kernelInstructionSet": machine.kernelInstructionSet,
                "peakGflops1Thread": machine.peakGFLOPS(threads: 1),
                "peakGflops": machine.peakGFLOPS(threads: machine.threads),
                "threads": machine.threads, "streamTriadGBps": machine.bandwidthGBps,
            ],
            "energySource": energySource,
            "models": results.map { result -> [String: Any] in
                [
                    "model": result.model, "baseline": result.baseline ?? NSNull(), "batch": result.batch,
                    "threads": result.threads, "parameters": result.cost.parameters, "macs": result.cost.macs,
                    "flops": result.cost.flops, "weightBytes": result.cost.weightBytes,
                    "medianMs": result.timing.median * 1e3, "p10Ms": result.timing.p10 * 1e3,
                    "p90Ms": result.timing.p90 * 1e3, "runs": result.timing.samples.count,
                    "imagesPerSecond": result.imagesPerSecond, "gflops": result.gflops, "peakShare": result.peakShare,
                    "peakResidentBytes": result.peakResidentBytes, "joulesPerImage": result.joulesPerImage,
                    "executor": result.executor, "minorFaultsPerCall": result.minorFaultsPerCall,
                    "buffersPerCall": result.buffersPerCall, "planBuildMs": result.planBuildSeconds * 1e3,
                    "arenaBytes": result.arenaBytes ?? NSNull(),
                    "gramsCO2ePerThousandImages": result.gramsCO2ePerThousandImages,
                    "energySource": result.energy.source.description,
                    "layers": result.layers.map { row -> [String: Any] in
                        [
                            "path": row.path, "kind": row.cost.kind, "macs": row.cost.macs, "flops": row.cost.flops,
                            "kernel": row.kernel ?? NSNull(), "fused": row.fused, "executedMacs": row.executedMACs,
                            "medianMs": row.medianSeconds * 1e3, "timeShare": row.timeShare, "gflops": row.gflops,
                            "intensity": row.roofline.intensity, "boundGflops": row.roofline.boundGFLOPS,
                            "memoryBound": row.roofline.memoryBound, "joules": row.joules,
                        ]
                    },
                ]
            },
            "verdicts": verdicts.map { verdict -> [String: Any] in
                [
                    "variant": verdict.variant.model, "baseline": verdict.baseline.model,
                    "batch": verdict.variant.batch,
                    "macRatio": verdict.macRatio, "timeRatio": verdict.timeRatio, "energyRatio": verdict.energyRatio,
                    "savingRealised": verdict.savingRealised,
                ]
            },
        ]
    }

    // MARK: Report folder

    /// Writes report.md, results.json, results.csv and the SVG charts into `directory`.
    func write(to directory: String, layerPair: (baseline: String, variant: String, batch: Int)?) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func save(_ name: String, _ text: String) throws {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        try save("results.json", JSON.string(jsonObject()) + "\n")
        try save("results.csv", summaryTable().rendered(as: .csv) + "\n")
        var charts: [String] = []
        try save("macs-vs-latency.svg", macsVersusLatencyChart())
        charts.append("macs-vs-latency.svg")
        if let pair = layerPair,
            let baseline = results.first(where: {
                $0.model == pair.baseline && $0.batch == pair.batch && !$0.layers.isEmpty
            }),
            let variant = results.first(where: {
                $0.model == pair.variant && $0.batch == pair.batch && !$0.layers.isEmpty
            })
        {
            try save("layer-times.svg", layerTimeChart(baseline, variant))
            try save("roofline.svg", rooflineChart(baseline, variant))
            charts += ["layer-times.svg", "roofline.svg"]
        }
        var markdown =
            "# GreenNN benchmark report\n\n" + environment() + "\n\n## Models\n\n"
            + summaryTable().rendered(as: .markdown) + "\n"
        if !verdicts.isEmpty {
            markdown +=
                "\n## Variants against their baselines\n\n"
                + "\"realised\" is the time saving as a share of the MAC saving: 1.00 means every MAC saved became time saved.\n\n"
                + verdictTable().rendered(as: .markdown) + "\n"
        }
        for result in results where !result.layers.isEmpty {
            markdown +=
                "\n## \(result.model), batch \(result.batch), per layer\n\n"
                + "Energy per layer is the pass's energy split by time share (a model, not a measurement).\n\n"
                + layerTable(result).rendered(as: .markdown) + "\n"
        }
        markdown += "\n## Charts\n\n" + charts.map { "![\($0)](\($0))" }.joined(separator: "\n\n") + "\n"
        try save("report.md", markdown)
    }

    private func macsVersusLatencyChart() -> String {
        let batches = Array(Set(results.map(\.batch))).sorted()
        let points = results.map { result in
            SVGChart.Point(
                x: Double(result.cost.macs) / Double(result.batch),
                y: result.timing.median * 1e3 / Double(result.batch),
                label: "\(result.model) (batch \(result.batch))", series: batches.firstIndex(of: result.batch) ?? 0)
        }
        return SVGChart.scatter(
            title: "MACs against measured latency, per image", xLabel: "MACs per image", yLabel: "ms per image",
            points: points, seriesNames: batches.map { "batch \($0)" }, logarithmic: true)
    }

    private func layerTimeChart(_ baseline: ModelBenchmark, _ variant: ModelBenchmark) -> String {
        let bars = [baseline, variant].enumerated().flatMap { series, result in
            result.layers.filter { $0.medianSeconds > 0 }.map {
                (label: "\(result.model) \($0.path)", value: $0.medianSeconds * 1e3, series: series)
            }
        }
        return SVGChart.bars(
            title: "Per-layer time, batch \(baseline.batch)", valueLabel: "median ms", bars: bars,
            seriesNames: [baseline.model, variant.model])
    }

    private func rooflineChart(_ baseline: ModelBenchmark, _ variant: ModelBenchmark) -> String {
        let peak = baseline.peakGFLOPS, bandwidth = machine.bandwidthGBps
        let points = [baseline, variant].enumerated().flatMap { series, result in
            result.layers.filter { $0.cost.macs > 0 && $0.medianSeconds > 0 }.map {
                SVGChart.Point(
                    x: $0.roofline.intensity, y: $0.gflops, label: "\(result.model) \($0.path)", series: series)
            }
        }
        let ridge = Roofline.ridge(peakGFLOPS: peak, bandwidthGBps: bandwidth)
        let low = min(points.map(\.x).min() ?? ridge / 10, ridge / 10)
        let high = max(points.map(\.x).max() ?? ridge * 10, ridge * 10)
        return SVGChart.scatter(
            title: "Roofline, batch \(baseline.batch) (\(baseline.threads) threads)", xLabel: "FLOP per byte moved",
            yLabel: "achieved GFLOP/s", points: points, seriesNames: [baseline.model, variant.model], logarithmic: true,
            segments: [
                SVGChart.Segment(
                    from: (low, low * bandwidth), to: (ridge, peak), label: "\(Format.fixed(bandwidth, 1)) GB/s"),
                SVGChart.Segment(
                    from: (ridge, peak), to: (high, peak), label: "sgemm \(Format.fixed(peak, 0)) GFLOP/s"),
            ])
    }
}
