import Foundation
import GreenEnergy
import GreenModels

/// One model measured at one batch size: latency statistics, throughput, achieved GFLOP/s,
/// memory, minor page faults per call, energy and, optionally, per-layer timings with their
/// roofline points. By default the model runs as an inference plan (built once, before the
/// warm-up); `eager` times the layer-by-layer forward pass instead.
struct ModelBenchmark {
    /// One timed layer (eager) or planned step (plan) of the model.
    struct LayerRow {
        let path: String
        let cost: LayerCost
        /// The kernel a planned step runs; nil for an eager layer.
        let kernel: String?
        /// The kinds fused into a planned step's output pass ("BatchNorm2d", "ReLU").
        let fused: [String]
        /// MACs the kernel executes (fewer than the model's for Winograd).
        let executedMACs: Int
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
    /// The process's resident high-water mark over this model's build, plan and runs alone
    /// (`ResidentMemory.resetPeak()` before it), in bytes. What was resident before the model
    /// was built (the runtime, OpenBLAS's buffers, pages earlier models touched and the heap
    /// kept) counts too: `residentBytesBefore` says how much that was.
    let peakResidentBytes: Int
    /// The resident size when the high-water mark was reset, just before the model was built.
    let residentBytesBefore: Int
    /// "plan" or "eager".
    let executor: String
    /// Minor page faults per timed call (getrusage), 0 in a steady state that touches no fresh page.
    let minorFaultsPerCall: Double
    /// Tensor and workspace buffers handed out per timed call (`BufferAllocations`): 0 for a
    /// plan whose every step is planned, one per output and more for the eager pass.
    let buffersPerCall: Double
    /// The plan's activation arena, nil for eager runs.
    let arenaBytes: Int?
    /// Seconds building the plan took (its kernels timed), 0 for eager runs.
    let planBuildSeconds: Double
    let layers: [LayerRow]

    var imagesPerSecond: Double { Double(batch) / timing.median }
    var gflops: Double { 2 * Double(cost.macs) / timing.median / 1e9 }
    var peakShare: Double { gflops / peakGFLOPS }
    /// Energy of one image, from the energy of the timed runs.
    var joulesPerImage: Double { energy.joules / Double(timing.samples.count * batch) }
    /// Grams CO2e per 1000 images.
    var gramsCO2ePerThousandImages: Double { energy.gramsCO2e / Double(timing.samples.count * batch) * 1000 }

    /// Measures `entry` at `batch`: builds it (seed 0) and, unless `eager`, its inference plan
    /// (kernels picked by timing them, `KernelSelection.measured`);
    /// times `runs` forward passes after `warmup` (continuing to at least `minimumSeconds`),
    /// counts minor page faults and measures energy over the timed passes with `meter`, and
    /// with `profileLayers` times every layer (or planned step) over `runs` more passes.
    static func measure(
        _ entry: ModelZoo.Entry, batch: Int, runs: Int, warmup: Int, minimumSeconds: Double, profileLayers: Bool,
        eager: Bool = false, meter: any EnergyMeter, machine: MachinePeak
    ) throws -> ModelBenchmark {
        let residentBefore = ResidentMemory.resetPeak()
        let model = try entry.model()
        model.eval()
        var generator = SeededGenerator(seed: 7)
        let input = try Tensor.uniform(entry.input(batch: batch), in: -1..<1, using: &generator)
        let cost = try model.cost(for: input.shape)
        var plan: InferencePlan?
        let planSeconds =
            eager
            ? 0 : try Stopwatch.seconds { plan = try model.inferencePlan(for: input.shape, kernelSelection: .measured) }
        var output = try Tensor.zeros(cost.output)
        let pass: () throws -> Void = {
            if let plan { try plan.run(input, into: &output) } else { _ = try model(input) }
        }
        for run in 0..<warmup {
            Console.progress("  \(entry.name) batch \(batch): warm-up \(run + 1) of \(warmup)")
            try pass()
        }
        let faultsBefore = MinorFaults.count
        let buffersBefore = BufferAllocations.count
        let span = try meter.start()
        let timing = try Timing.measure(
            warmup: 0, minimumRuns: runs, minimumSeconds: minimumSeconds, maximumRuns: 10 * runs,
            progress: { Console.progress("  \(entry.name) batch \(batch): " + Timing.runLabel($0, runs: runs)) }, pass)
        let energy = try meter.stop(span)
        let faults = Double(MinorFaults.count - faultsBefore) / Double(timing.samples.count)
        let buffers = Double(BufferAllocations.count - buffersBefore) / Double(timing.samples.count)
        let threads = ComputeThreads.count
        let peak = machine.peakGFLOPS(threads: threads)
        var timed: [(path: String, seconds: [Double], step: InferencePlan.Step?)] = []
        if profileLayers, let plan {
            var seconds = [[Double]](repeating: [], count: plan.steps.count)
            for run in 0..<runs {
                Console.progress("  \(entry.name) batch \(batch): per-step pass \(run + 1) of \(runs)")
                try plan.run(input, into: &output) { index, body in seconds[index].append(try Stopwatch.seconds(body)) }
            }
            timed = zip(plan.steps, seconds).map { ($0.path, $1, $0) }
        } else if profileLayers {
            let profiler = LayerProfiler()
            for run in 0..<runs {
                Console.progress("  \(entry.name) batch \(batch): per-layer pass \(run + 1) of \(runs)")
                _ = try profiler.forward(model, input)
            }
            timed = profiler.samples.map { ($0.path, $0.seconds, nil) }
        }
        let rows = cost.rowsByPath
        let total = timed.reduce(0.0) { $0 + Statistics.median($1.seconds) }
        let joulesPerPass = energy.joules / Double(timing.samples.count)
        let layers = timed.compactMap { path, seconds, step -> LayerRow? in
            guard let row = rows[path] ?? (path.isEmpty ? cost : nil) else { return nil }
            let median = Statistics.median(seconds)
            let share = total > 0 ? median / total : 0
            return LayerRow(
                path: path.isEmpty ? "-" : path, cost: row, kernel: step?.kernel, fused: step?.fused ?? [],
                executedMACs: step?.executedMACs ?? row.macs, medianSeconds: median, timeShare: share,
                roofline: Roofline(cost: row, peakGFLOPS: peak, bandwidthGBps: machine.bandwidthGBps),
                joules: joulesPerPass * share)
        }
        return ModelBenchmark(
            model: entry.name, baseline: entry.baseline, batch: batch, threads: threads, cost: cost, timing: timing,
            energy: energy, peakGFLOPS: peak, peakResidentBytes: ResidentMemory.peakBytes,
            residentBytesBefore: residentBefore,
            executor: eager ? "eager" : "plan", minorFaultsPerCall: faults, buffersPerCall: buffers,
            arenaBytes: plan?.arenaBytes, planBuildSeconds: planSeconds,
            layers: layers)
    }
}

/// The process's minor page faults so far (getrusage `ru_minflt`): pages touched for the first time.
enum MinorFaults {
    static var count: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_minflt
    }
}

/// The process's resident high-water mark (VmHWM in /proc/self/status on Linux), which
/// `resetPeak()` brings down to the current resident size, so each model's peak is its own
/// and not the GEMM-peak and STREAM buffers measured before it.
enum ResidentMemory {
    /// Peak resident bytes since the last reset (or the process's start).
    static var peakBytes: Int {
        if let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kibibytes = Int(line.dropFirst("VmHWM:".count).filter(\.isNumber))
        {
            return kibibytes * 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// Hands the heap's free memory back to the system (`malloc_trim`), so what earlier models
    /// freed does not count, then resets the high-water mark to the current resident size
    /// (writes 5 to /proc/self/clear_refs; Linux 4.0+). Where that is refused the peak stays
    /// the process's. Returns the high-water mark after the reset: the resident size then.
    @discardableResult static func resetPeak() -> Int {
        if let symbol = dlsym(nil, "malloc_trim") {  // glibc's, not in Swift's Glibc module
            typealias MallocTrim = @convention(c) (Int) -> Int32
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        if let file = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            try? file.write(contentsOf: Data("5".utf8))
            try? file.close()
        }
        return peakBytes
    }
}
