import CBLAS
import Foundation
import GreenTensor

/// greenbench peak [--threads N] [--runs N] [--format text|markdown|csv|json]
///
/// Measures this machine's limits, which later benchmarks report achieved figures against:
/// - sgemm GFLOP/s through GreenTensor's `GEMM` wrapper (OpenBLAS) and through GreenNN's packed
///   GEMM micro-kernels (what inference plans run; the left operand packed once, columns split
///   across workers) for n = 256, 1024, 2048 at 1 thread and at N threads (default: all cores);
///   the median of repeated runs. The peak later reports compare against is the faster of the two;
/// - the wrapper's overhead against a direct `cblas_sgemm` call at 256 and 2048, at 1 thread
///   (the quietest setting), runs interleaved;
/// - the int8 GEMM of quantized plans (`Int8GEMMProblem`, n = 1024, requantized to u8) on every
///   int8 instruction set this CPU runs (`GREENNN_MAX_ISA` caps the float rows, not these), at 1
///   thread, in GOP/s (a multiply and an add per MAC, as sgemm's FLOPs count them): what int8
///   can gain over float before any layout or memory effect;
/// - memory bandwidth from a STREAM triad (a = b + s·c) on three 64 MiB arrays, far larger
///   than any last-level cache (bytes counted as STREAM does: 3 × 4 bytes per element).
struct PeakCommand: Command {
    static let name = "peak"
    static let summary = "measure sgemm GFLOP/s, int8 GEMM GOP/s and memory bandwidth (the roofline's limits)"
    static let usage = """
        usage: greenbench peak [--threads N] [--runs N] [--format text|markdown|csv|json]

          --threads N   the multi-threaded column uses N threads (default: all cores)
          --runs N      timed runs per size after 2 warm-ups (default: 7; medians are reported)
          --format F    text (default), markdown, csv or json
        """

    static func run(_ arguments: [String]) throws {
        let options = try Arguments(arguments, valueOptions: ["threads", "runs", "format"])
        let threads = try options.integer(
            "threads", default: ProcessInfo.processInfo.activeProcessorCount, in: 1...1024)
        let runs = try options.integer("runs", default: 7, in: 1...1000)
        let format: OutputFormat = try options.choice("format", default: .text)
        let peak = try MachinePeak.measure(threads: threads, runs: runs, int8: true)
        print(try peak.rendered(as: format))
    }
}

/// The measured limits of this machine: sgemm throughput and memory bandwidth.
struct MachinePeak {
    /// One GEMM measurement.
    struct GEMMResult {
        /// "sgemm" (OpenBLAS through the wrapper) or "packed GEMM" (GreenNN's micro-kernels).
        let kernel: String
        let size: Int
        let threads: Int
        let medianSeconds: Double
        var gflops: Double { MachinePeak.gigaOperations(size: size, seconds: medianSeconds) }
    }

    /// One int8 GEMM measurement, at 1 thread.
    struct Int8Result {
        let instructionSet: Int8InstructionSet
        let size: Int
        let medianSeconds: Double
        var gops: Double { MachinePeak.gigaOperations(size: size, seconds: medianSeconds) }
    }

    /// Billions of operations a second of a square product of side `size` in `seconds`: a multiply
    /// and an add per multiply-accumulate.
    static func gigaOperations(size: Int, seconds: Double) -> Double { 2 * pow(Double(size), 3) / seconds / 1e9 }

    /// The wrapper's overhead against direct cblas_sgemm at one size.
    struct Overhead {
        let size: Int
        let wrapperSeconds: Double
        let directSeconds: Double
        var percent: Double { (wrapperSeconds / directSeconds - 1) * 100 }
    }

    let coreName: String
    let kernelInstructionSet: String
    let gemm: [GEMMResult]
    let overhead: [Overhead]
    let int8: [Int8Result]
    let bandwidthGBps: Double
    let threads: Int

    /// The best GEMM GFLOP/s measured at `threads`, by either kernel.
    func peakGFLOPS(threads: Int) -> Double {
        gemm.filter { $0.threads == threads }.map(\.gflops).max() ?? .nan
    }

    /// Measures sgemm at n = 256, 1024, 2048 on 1 and `threads` threads, the STREAM triad,
    /// (with `wrapperOverhead`) the GEMM wrapper against a direct cblas_sgemm call, and (with
    /// `int8`) the int8 GEMM on each int8 instruction set.
    static func measure(
        threads: Int, runs: Int, wrapperOverhead: Bool = true, int8: Bool = false
    ) throws -> MachinePeak {
        let previous = ComputeThreads.count
        defer { try? ComputeThreads.set(previous) }
        var results: [GEMMResult] = []
        for count in Set([1, threads]).sorted() {
            try ComputeThreads.set(count)
            for size in [256, 1024, 2048] {
                Console.progress("peak: sgemm and packed GEMM \(size)x\(size), \(count) thread(s)")
                let problem = try GEMMProblem(size: size)
                let sgemm = try Timing.measure(warmup: 2, minimumRuns: runs, minimumSeconds: 0) {
                    try problem.runWrapper()
                }
                let packed = Timing.measure(warmup: 2, minimumRuns: runs, minimumSeconds: 0) { problem.runPacked() }
                results += [
                    GEMMResult(kernel: "sgemm", size: size, threads: count, medianSeconds: sgemm.median),
                    GEMMResult(kernel: "packed GEMM", size: size, threads: count, medianSeconds: packed.median),
                ]
            }
        }
        try ComputeThreads.set(1)
        var overhead: [Overhead] = []
        for size in wrapperOverhead ? [256, 2048] : [] {
            Console.progress("peak: wrapper overhead at \(size), 1 thread")
            let problem = try GEMMProblem(size: size)
            let repeats = size == 256 ? 200 : 3
            let timings = try Timing.inTurns(
                [
                    { for _ in 0..<repeats { try problem.runWrapper() } },
                    { for _ in 0..<repeats { problem.runDirect() } },
                ], warmup: 2, minimumRuns: runs, minimumSeconds: 0)
            overhead.append(
                Overhead(
                    size: size, wrapperSeconds: timings[0].median / Double(repeats),
                    directSeconds: timings[1].median / Double(repeats)))
        }
        var int8Results: [Int8Result] = []
        if int8 {
            let problem = try Int8GEMMProblem(size: 1024)
            for instructionSet in Int8InstructionSet.supported {
                Console.progress("peak: int8 GEMM 1024x1024 on \(instructionSet.rawValue), 1 thread")
                let timing = Timing.measure(warmup: 2, minimumRuns: runs, minimumSeconds: 0) {
                    problem.run(on: instructionSet)
                }
                int8Results.append(Int8Result(instructionSet: instructionSet, size: 1024, medianSeconds: timing.median))
            }
        }
        try ComputeThreads.set(threads)
        Console.progress("peak: STREAM triad, \(threads) thread(s)")
        let bandwidth = StreamTriad.measure(runs: runs)
        return MachinePeak(
            coreName: GEMM.openBLASCoreName, kernelInstructionSet: KernelInstructionSet.active.rawValue,
            gemm: results, overhead: overhead, int8: int8Results, bandwidthGBps: bandwidth, threads: threads)
    }

    func rendered(as format: OutputFormat) throws -> String {
        if format == .json {
            let object: [String: Any] = [
                "openblasCore": coreName,
                "kernelInstructionSet": kernelInstructionSet,
                "threads": threads,
                "gemm": gemm.map {
                    [
                        "kernel": $0.kernel, "n": $0.size, "threads": $0.threads, "medianMs": $0.medianSeconds * 1e3,
                        "gflops": $0.gflops,
                    ]
                },
                "wrapperOverhead": overhead.map {
                    [
                        "n": $0.size, "wrapperMs": $0.wrapperSeconds * 1e3, "directMs": $0.directSeconds * 1e3,
                        "percent": $0.percent,
                    ]
                },
                "int8Gemm": int8.map {
                    [
                        "instructionSet": $0.instructionSet.rawValue, "n": $0.size, "threads": 1,
                        "medianMs": $0.medianSeconds * 1e3, "gops": $0.gops,
                    ]
                },
                "peakGflops1Thread": peakGFLOPS(threads: 1),
                "peakGflops": peakGFLOPS(threads: threads),
                "streamTriadGBps": bandwidthGBps,
            ]
            return try JSON.string(object)
        }
        var table = Table(headers: ["measure", "n", "threads", "median ms", "result"], rows: [])
        for result in gemm {
            table.rows.append([
                result.kernel, "\(result.size)", "\(result.threads)", Format.fixed(result.medianSeconds * 1e3, 3),
                Format.fixed(result.gflops, 1) + " GFLOP/s",
            ])
        }
        for item in overhead {
            table.rows.append([
                "wrapper vs cblas", "\(item.size)", "1", Format.fixed(item.wrapperSeconds * 1e3, 3),
                Format.fixed(item.percent, 2) + " % overhead",
            ])
        }
        for result in int8 {
            table.rows.append([
                "int8 GEMM (\(result.instructionSet.rawValue))", "\(result.size)", "1",
                Format.fixed(result.medianSeconds * 1e3, 3), Format.fixed(result.gops, 1) + " GOP/s",
            ])
        }
        table.rows.append(["STREAM triad", "3x16M", "\(threads)", "--", Format.fixed(bandwidthGBps, 1) + " GB/s"])
        let header =
            format == .text
            ? "OpenBLAS core: \(coreName)   GreenNN kernels: \(kernelInstructionSet)\n"
            : "OpenBLAS core: `\(coreName)`, GreenNN kernels: `\(kernelInstructionSet)`\n\n"
        return header + table.rendered(as: format)
    }
}

/// Square GEMM operands, allocated and filled once; every timed path writes the same C.
final class GEMMProblem {
    let size: Int
    private let a: [Float]
    private let b: [Float]
    private let c: UnsafeMutableBufferPointer<Float>
    private let packed: PackedMatrix
    private let scratch: UnsafeMutableBufferPointer<Float>

    init(size: Int) throws {
        var generator = SeededGenerator(seed: UInt64(size))
        self.size = size
        a = try Tensor.uniform([size, size], in: -1..<1, using: &generator).scalars
        b = try Tensor.uniform([size, size], in: -1..<1, using: &generator).scalars
        c = .allocate(capacity: size * size)
        c.initialize(repeating: 0)
        packed = a.withUnsafeBufferPointer {
            PackedMatrix($0.baseAddress!, rows: size, columns: size, leadingDimension: size)
        }
        scratch = .allocate(capacity: packedMultiplyWorkspaceCount * ComputeThreads.count)
        scratch.initialize(repeating: 0)
    }

    deinit {
        c.deallocate()
        scratch.deallocate()
    }

    /// C = A·B on the packed micro-kernels (A packed once), columns split across the workers in
    /// blocks of 64, as an inference plan's convolutions run.
    func runPacked() {
        let (size, packed) = (self.size, self.packed)
        let workers = Swift.min(ComputeThreads.count, scratch.count / packedMultiplyWorkspaceCount)
        b.withUnsafeBufferPointer { b in
            let buffers = RawOperands(b: b.baseAddress!, c: c.baseAddress!, scratch: scratch.baseAddress!)
            let chunks = (size + 63) / 64
            parallelFor(workers, workers: workers) { worker, _ in
                let first = chunks * worker / workers * 64
                let last = Swift.min(size, chunks * (worker + 1) / workers * 64)
                guard first < last else { return }
                packedMultiply(
                    packed, rows: 0..<size, b: buffers.b + first, ldb: size, n: last - first, c: buffers.c + first,
                    ldc: size, shift: nil, lower: -.infinity, upper: .infinity,
                    workspace: buffers.scratch + worker * packedMultiplyWorkspaceCount)
            }
        }
    }

    /// The raw buffers the workers of `runPacked` share (disjoint columns of C, own scratch).
    private struct RawOperands: @unchecked Sendable {
        let b: UnsafePointer<Float>
        let c: UnsafeMutablePointer<Float>
        let scratch: UnsafeMutablePointer<Float>
    }

    /// C = A·B through GreenTensor's checked wrapper.
    func runWrapper() throws {
        try a.withUnsafeBufferPointer { a in
            try b.withUnsafeBufferPointer { b in
                try GEMM.multiply(m: size, n: size, k: size, a: a, lda: size, b: b, ldb: size, c: c, ldc: size)
            }
        }
    }

    /// C = A·B calling cblas_sgemm directly: the baseline for the wrapper's overhead.
    func runDirect() {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let n = blasint(size)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a.baseAddress, n, b.baseAddress, n, 0,
                    c.baseAddress, n)
            }
        }
    }
}
