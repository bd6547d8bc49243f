import Foundation
import GreenEnergy
import GreenModels

/// One model measured at one batch size: latency statistics, throughput, achieved GFLOP/s,
/// memory, energy and, optionally, per-layer timings with their roofline points.
struct ModelBenchmark {
    /// One timed layer of the model.
    struct LayerRow {
        let path: String
        let cost: LayerCost
        let medianSeconds: Double
        let timeShare: Double
        let roofline: Roofline
        let joules: Double

        var gflops: Double { medianSeconds > 0 ? 2 * Double(cost.macs) / medianSeconds / 1e9 : 0 }
        var boundShare: Double { roofline.boundGFLOPS > 0 ? gflops / roofline.boundGFLOPS : 0 }
    }

    let model: String
    let baseline: String?
    let batch: Int
    let threads: Int
    let cost: LayerCost
    let timing: Timing
    let energy: EnergyReport
    let peakGFLOPS: Double
    let peakResidentBytes: Int
    let layers: [LayerRow]

    var imagesPerSecond: Double { Double(batch) / timing.median }
    var gflops: Double { 2 * Double(cost.macs) / timing.median / 1e9 }
    var peakShare: Double { gflops / peakGFLOPS }
    /// Energy of one image, from the energy of the timed runs.
    var joulesPerImage: Double { energy.joules / Double(timing.samples.count * batch) }
    /// Grams CO2e per 1000 images.
    var gramsCO2ePerThousandImages: Double { energy.gramsCO2e / Double(timing.samples.count * batch) * 1000 }

    /// Measures `entry` at `batch`: builds it (seed 0), times `runs` forward passes after
    /// `warmup` (continuing to at least `minimumSeconds`), measures energy over the timed
    /// passes with `meter`, and with `profileLayers` times every layer over `runs` more passes.
    static func measure(
        _ entry: ModelZoo.Entry, batch: Int, runs: Int, warmup: Int, minimumSeconds: Double, profileLayers: Bool,
        meter: any EnergyMeter, machine: MachinePeak
    ) throws -> ModelBenchmark {
        let model = try ModelZoo.model(named: entry.name)
        model.eval()
        var generator = SeededGenerator(seed: 7)
        let input = try Tensor.uniform(entry.input(batch: batch), in: -1..<1, using: &generator)
        let cost = try model.cost(for: input.shape)
        for run in 0..<warmup {
            Console.progress("  \(entry.name) batch \(batch): warm-up \(run + 1) of \(warmup)")
            _ = try model(input)
        }
        var samples: [Double] = []
        var spent = 0.0
        let span = try meter.start()
        while samples.count < runs || (spent < minimumSeconds && samples.count < 10 * runs) {
            Console.progress("  \(entry.name) batch \(batch): run \(samples.count + 1) of \(runs)")
            let seconds = try Stopwatch.seconds { _ = try model(input) }
            samples.append(seconds)
            spent += seconds
        }
        let energy = try meter.stop(span)
        let timing = Timing(samples: samples)
        let threads = ComputeThreads.count
        let peak = machine.peakGFLOPS(threads: threads)
        var layers: [LayerRow] = []
        if profileLayers {
            let profiler = LayerProfiler()
            for run in 0..<runs {
                Console.progress("  \(entry.name) batch \(batch): per-layer pass \(run + 1) of \(runs)")
                _ = try profiler.forward(model, input)
            }
            let rows = cost.rowsByPath
            let total = profiler.samples.reduce(0.0) { $0 + Statistics.median($1.seconds) }
            let joulesPerPass = energy.joules / Double(samples.count)
            for (path, seconds) in profiler.samples {
                guard let row = rows[path] else { continue }
                let median = Statistics.median(seconds)
                let share = total > 0 ? median / total : 0
                layers.append(
                    LayerRow(
                        path: path, cost: row, medianSeconds: median, timeShare: share,
                        roofline: Roofline(cost: row, peakGFLOPS: peak, bandwidthGBps: machine.bandwidthGBps),
                        joules: joulesPerPass * share))
            }
        }
        return ModelBenchmark(
            model: entry.name, baseline: entry.baseline, batch: batch, threads: threads, cost: cost, timing: timing,
            energy: energy, peakGFLOPS: peak, peakResidentBytes: ResidentMemory.peakBytes, layers: layers)
    }
}

/// The process's peak resident set size (getrusage `ru_maxrss`, kibibytes on Linux).
enum ResidentMemory {
    static var peakBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
