import GreenModels

/// The tables of a `BenchmarkReport`: one row per model, one per variant against its
/// baseline, one per layer or planned step; and the whole report in one output format.
extension BenchmarkReport {
    /// One row per model measured. "peak RSS MB" is the process's resident high-water mark
    /// reset just before the model was built (after the heap's free memory went back to the
    /// system), so earlier models' peaks do not count; "RSS before MB" is what was resident
    /// at that reset (runtime, OpenBLAS buffers, pages kept from earlier models).
    func summaryTable() -> Table {
        var table = Table(
            headers: [
                "model", "exec", "batch", "thr", "median ms", "p10", "p90", "images/s", "GFLOP/s", "% peak",
                "weight MB", "arena MB", "peak RSS MB", "RSS before MB", "faults/call", "J/image", "gCO2e/1k img",
            ], rows: [])
        for result in results {
            table.rows.append([
                result.model, result.executor, "\(result.batch)", "\(result.threads)",
                Format.fixed(result.timing.median * 1e3, 3),
                Format.fixed(result.timing.p10 * 1e3, 3), Format.fixed(result.timing.p90 * 1e3, 3),
                Format.fixed(result.imagesPerSecond, 1), Format.fixed(result.gflops, 1),
                Format.fixed(100 * result.peakShare, 1), Format.fixed(Double(result.cost.weightBytes) / 1e6, 2),
                result.arenaBytes.map { Format.fixed(Double($0) / 1e6, 2) } ?? "--",
                Format.fixed(Double(result.peakResidentBytes) / 1e6, 0),
                Format.fixed(Double(result.residentBytesBefore) / 1e6, 0), Format.fixed(result.minorFaultsPerCall, 1),
                Format.scientific(result.joulesPerImage),
                Format.scientific(result.gramsCO2ePerThousandImages),
            ])
        }
        return table
    }

    /// One row per variant measured beside its baseline at the same batch.
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
                verdict.savingRealised.map { Format.fixed($0, 2) } ?? "--",
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
                    "mJ (time share)",
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

    /// The summary, verdict and (with per-layer data) layer tables, in `format`, each with the
    /// notes on what its energy figures are; CSV carries them as columns on every row.
    func rendered(as format: OutputFormat) throws -> String {
        if format == .json { return try JSON.string(jsonObject()) }
        if format == .csv {
            return summaryTable().appendingColumn("energy source", energySource)
                .appendingColumn("energy note", energyNotes.ratio).rendered(as: .csv)
        }
        var sections = [environment(), summaryTable().rendered(as: format)]
        if !verdicts.isEmpty {
            sections += [
                verdictTable().rendered(as: format),
                SavingRealised.explanation + "\n" + energyNotes.ratio.capitalisedFirst + ".",
            ]
        }
        for result in results where !result.layers.isEmpty {
            sections.append(
                "\(result.model), batch \(result.batch), per layer (\(EnergyNotes.perLayer)):\n"
                    + layerTable(result).rendered(as: format))
        }
        return sections.joined(separator: "\n\n")
    }
}

extension String {
    /// The string with its first letter in upper case, for a note that starts a sentence.
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
