import GreenEnergy
import GreenModels

/// The results of a `greenbench run` (or the standard suite): the machine's limits, every
/// model measured, and the verdict of each variant against its baseline. The renderings
/// live beside it: tables (`BenchmarkReport+Tables`), charts (`BenchmarkReport+Charts`) and
/// the report folder (`ReportFolder`).
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
        /// The time saving as a share of the MAC saving (`SavingRealised`); nil under 5% MAC saving.
        var savingRealised: Double? { SavingRealised.share(macRatio: macRatio, timeRatio: timeRatio) }
    }

    var verdicts: [Verdict] {
        results.compactMap { variant in
            guard let name = variant.baseline,
                let baseline = results.first(where: { $0.model == name && $0.batch == variant.batch })
            else { return nil }
            return Verdict(variant: variant, baseline: baseline)
        }
    }

    /// What the energy figures mean: measured when every model's energy came from RAPL.
    var energyNotes: EnergyNotes {
        EnergyNotes(measured: !results.isEmpty && results.allSatisfy { $0.energy.source.isMeasured })
    }

    /// One line naming the machine's limits and the energy source.
    func environment() -> String {
        "OpenBLAS core \(machine.coreName), GreenNN kernels \(machine.kernelInstructionSet), "
            + "sgemm peak \(Format.fixed(machine.peakGFLOPS(threads: 1), 1)) GFLOP/s (1 thread), "
            + "\(Format.fixed(machine.peakGFLOPS(threads: machine.threads), 1)) GFLOP/s (\(machine.threads) threads), "
            + "STREAM triad \(Format.fixed(machine.bandwidthGBps, 1)) GB/s. Energy: \(energySource)."
    }

    /// The report as one JSON document: numbers with no meaning (a ratio over nothing) are null.
    func jsonObject() -> [String: Any] {
        [
            "machine": [
                "openblasCore": machine.coreName, "kernelInstructionSet": machine.kernelInstructionSet,
                "peakGflops1Thread": machine.peakGFLOPS(threads: 1),
                "peakGflops": machine.peakGFLOPS(threads: machine.threads),
                "threads": machine.threads, "streamTriadGBps": machine.bandwidthGBps,
            ],
            "energySource": energySource,
            "energyMeasured": energyNotes.measured,
            "energyRatioNote": energyNotes.ratio,
            "layerJoulesNote": EnergyNotes.perLayer,
            "realisedDefinition": SavingRealised.explanation,
            "models": results.map { result -> [String: Any] in
                [
                    "model": result.model, "baseline": result.baseline as Any, "batch": result.batch,
                    "threads": result.threads, "parameters": result.cost.parameters, "macs": result.cost.macs,
                    "flops": result.cost.flops, "weightBytes": result.cost.weightBytes,
                    "medianMs": result.timing.median * 1e3, "p10Ms": result.timing.p10 * 1e3,
                    "p90Ms": result.timing.p90 * 1e3, "runs": result.timing.samples.count,
                    "imagesPerSecond": result.imagesPerSecond, "gflops": result.gflops, "peakShare": result.peakShare,
                    "peakResidentBytes": result.peakResidentBytes,
                    "residentBytesBefore": result.residentBytesBefore, "joulesPerImage": result.joulesPerImage,
                    "executor": result.executor, "minorFaultsPerCall": result.minorFaultsPerCall,
                    "buffersPerCall": result.buffersPerCall, "planBuildMs": result.planBuildSeconds * 1e3,
                    "arenaBytes": result.arenaBytes as Any,
                    "gramsCO2ePerThousandImages": result.gramsCO2ePerThousandImages,
                    "energySource": result.energy.source.description,
                    "layers": result.layers.map { row -> [String: Any] in
                        [
                            "path": row.path, "kind": row.cost.kind, "macs": row.cost.macs, "flops": row.cost.flops,
                            "kernel": row.kernel as Any, "fused": row.fused, "executedMacs": row.executedMACs,
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
                    "savingRealised": verdict.savingRealised as Any,
                ]
            },
        ]
    }
}
