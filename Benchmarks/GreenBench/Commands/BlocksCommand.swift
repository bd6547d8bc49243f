import Foundation
import GreenModels

/// greenbench blocks [--threads N,M] [--format text|markdown|csv|json] [--seconds S] [--eager]
///
/// Each block runs as an inference plan built for its input (`--eager`: its forward pass).
/// Each efficient block against the standard layer it replaces, at the shapes of
/// ../shared/peers (PyTorch's figures): a 128→128 3x3 conv on 1x128x56x56 and 32x128x28x28
/// against the depthwise-separable, fire (squeeze 16, expand 64 + 64), flattened and shrinked
/// (width 0.5, resolution 0.75) blocks; a 4096→4096 linear against its rank-256 factorisation
/// at batch 1 and 32. Per row: MACs, median latency (p10, p90), achieved GFLOP/s and its share
/// of this machine's sgemm peak at the same thread count, and the MAC ratio beside the time
/// ratio to the standard layer, and "realised", the time saving as a share of the MAC saving
/// (`SavingRealised`: 1.00 = the whole saving became time, "--" under 5% MAC saving). The
/// blocks are bare (no BatchNorm, no activation), as the peers' are.
struct BlocksCommand: Command {
    static let name = "blocks"
    static let summary = "time each efficient block against the standard conv or linear it replaces"
    static let usage = """
        usage: greenbench blocks [--threads N[,M…]] [--seconds S] [--eager] [--format text|markdown|csv|json]

          --threads     thread counts to run, comma-separated (default: 1 and all cores)
          --seconds S   minimum timed seconds per block (default 1; at least 10 runs after 3 warm-ups)
          --eager       time each block's forward pass instead of its inference plan
          --format F    text (default), markdown, csv or json
        """

    /// One block on one input.
    struct Case {
        let group: String
        let name: String
        let input: Shape
        let layer: any Layer
    }

    static func cases() throws -> [Case] {
        var generator = SeededGenerator(seed: 1)
        var cases: [Case] = []
        for input: Shape in [[1, 128, 56, 56], [32, 128, 28, 28]] {
            let group = input.dimensions.map(String.init).joined(separator: "x")
            cases += [
                Case(
                    group: group, name: "conv3x3-standard", input: input,
                    layer: try Conv2d(128, 128, kernelSize: 3, padding: 1, using: &generator)),
                Case(
                    group: group, name: "dw-separable", input: input,
                    layer: try DepthwiseSeparableConv2d(128, 128, kernelSize: 3, padding: 1, using: &generator)),
                Case(
                    group: group, name: "fire", input: input,
                    layer: try Fire(128, squeeze: 16, expand1x1: 64, expand3x3: 64, activation: nil, using: &generator)),
                Case(
                    group: group, name: "flattened", input: input,
                    layer: try FlattenedConv2d(128, 128, kernelSize: 3, padding: 1, using: &generator)),
            ]
            var shrunk = input
            shrunk[1] = 64
            cases.append(
                Case(
                    group: group, name: "shrinked-w0.5-r0.75", input: shrunk,
                    layer: try ShrinkedConv2d(
                        128, 128, kernelSize: 3, padding: 1, width: 0.5, resolution: 0.75, using: &generator)))
        }
        for batch in [1, 32] {
            let group = "\(batch)x4096"
            cases += [
                Case(
                    group: group, name: "linear-4096x4096", input: [batch, 4096],
                    layer: try Linear(4096, 4096, using: &generator)),
                Case(
                    group: group, name: "lowrank-4096-r256", input: [batch, 4096],
                    layer: try LowRankLinear(4096, 4096, rank: 256, using: &generator)),
            ]
        }
        return cases
    }

    static func run(_ arguments: [String]) throws {
        let options = try Arguments(arguments, valueOptions: ["threads", "seconds", "format"], flagOptions: ["eager"])
        let eager = options.flag("eager")
        let format: OutputFormat = try options.choice("format", default: .text)
        let seconds = Double(options.value("seconds") ?? "1") ?? -1
        guard seconds > 0 else { throw UsageError("--seconds must be a positive number") }
        let threadCounts = try ThreadList.parse(options.value("threads"))
        let previous = ComputeThreads.count
        defer { try? ComputeThreads.set(previous) }
        let cases = try cases()
        var rows: [[String: Any]] = []
        var table = Table(
            headers: [
                "input", "thr", "block", "MACs", "MAC ratio", "median ms", "p10", "p90", "time ratio",
                "realised", "GFLOP/s", "% peak",
            ], rows: [])
        for threads in threadCounts {
            try ComputeThreads.set(threads)
            let peak = try PeakGEMM.gflops(threads: threads)
            Console.progress("blocks: sgemm peak at \(threads) thread(s): \(Format.fixed(peak, 1)) GFLOP/s")
            var reference: (macs: Int, seconds: Double) = (1, 1)
            for item in cases {
                Console.progress("blocks: \(item.group) \(item.name), \(threads) thread(s)")
                var generator = SeededGenerator(seed: 2)
                let input = try Tensor.uniform(item.input, in: -1..<1, using: &generator)
                let macs = try item.layer.cost(for: item.input).macs
                let plan = eager ? nil : try item.layer.inferencePlan(for: item.input, kernelSelection: .measured)
                var output = try Tensor.zeros(try item.layer.cost(for: item.input).output)
                let timing = try Timing.measure(minimumSeconds: seconds) {
                    if let plan { try plan.run(input, into: &output) } else { _ = try item.layer.forward(input) }
                }
                if item.name.hasPrefix("conv3x3-standard") || item.name.hasPrefix("linear-") {
                    reference = (macs, timing.median)
                }
                let macRatio = Double(macs) / Double(reference.macs)
                let timeRatio = timing.median / reference.seconds
                let gflops = 2 * Double(macs) / timing.median / 1e9
                let realised = SavingRealised.share(macRatio: macRatio, timeRatio: timeRatio)
                table.rows.append([
                    item.group, "\(threads)", item.name, Format.grouped(macs), Format.fixed(macRatio, 4),
                    Format.fixed(timing.median * 1e3, 3), Format.fixed(timing.p10 * 1e3, 3),
                    Format.fixed(timing.p90 * 1e3, 3),
                    Format.fixed(timeRatio, 3), realised.map { Format.fixed($0, 2) } ?? "--", Format.fixed(gflops, 1),
                    Format.fixed(100 * gflops / peak, 1),
                ])
                rows.append([
                    "input": item.input.dimensions, "threads": threads, "block": item.name, "macs": macs,
                    "executor": eager ? "eager" : "plan",
                    "macRatio": macRatio, "medianMs": timing.median * 1e3, "p10Ms": timing.p10 * 1e3,
                    "p90Ms": timing.p90 * 1e3, "timeRatio": timeRatio, "realised": realised as Any,
                    "gflops": gflops, "peakGflops": peak, "peakShare": gflops / peak, "runs": timing.samples.count,
                ])
            }
        }
        print(
            format == .json ? try JSON.string(rows) : table.rendered(as: format) + "\n\n" + SavingRealised.explanation)
    }
}

/// `--threads 1,2` as a list; the default is 1 and all cores.
enum ThreadList {
    static func parse(_ text: String?) throws(UsageError) -> [Int] {
        guard let text else {
            return Array(Set([1, ProcessInfo.processInfo.activeProcessorCount])).sorted()
        }
        let values = text.split(separator: ",").map { Int($0) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 1024 }) else {
            throw UsageError("--threads must be a comma-separated list of counts in 1...1024, got '\(text)'")
        }
        return values.map { $0! }
    }
}

/// The sgemm peak for the "% peak" columns: n = 2048 (where `greenbench peak` finds the
/// machine's best), median of 3 runs after 1 warm-up.
enum PeakGEMM {
    static func gflops(threads: Int) throws -> Double {
        let problem = try GEMMProblem(size: 2048)
        let timing = try Timing.measure(warmup: 1, minimumRuns: 3, minimumSeconds: 0) { try problem.runWrapper() }
        return 2 * pow(2048, 3) / timing.median / 1e9
    }
}
