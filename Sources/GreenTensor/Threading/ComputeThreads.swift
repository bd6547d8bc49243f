internal import CBLAS
// The one thread setting of the library, and the one place that talks to OpenBLAS's threads.
//
// The rule: OpenBLAS always runs single-threaded, and every parallel loop is ours. Large
// GEMMs are split into column (or row) blocks across our workers (`GEMM.multiply`), a conv
// on a small batch into bands of output rows. So there is one pool of threads, never two:
// OpenBLAS's threads cannot spin on a core our workers need (they busy-wait after each call
// in OpenBLAS 0.3.x), and no nested parallelism can oversubscribe the cores.
import Dispatch
import Foundation
import Synchronization

/// The number of threads GreenNN computes with.
///
/// Defaults to the number of active processors, or to `GREENNN_THREADS` when set. OpenBLAS
/// is pinned to one thread the first time this is read; all parallelism is GreenNN's own.
///
/// ```swift
/// try ComputeThreads.set(1)   // single-threaded measurements
/// ```
public enum ComputeThreads {
    private static let setting: Mutex<Int> = {
        openblas_set_num_threads(1)
        let environment = ProcessInfo.processInfo.environment["GREENNN_THREADS"].flatMap(Int.init)
        return Mutex(Swift.max(1, Swift.min(1024, environment ?? ProcessInfo.processInfo.activeProcessorCount)))
    }()

    /// The current thread count: the setting, or fewer inside `withWorkers(_:_:)`.
    public static var count: Int {
        let configured = threadOverride ?? setting.withLock { $0 }
        return workerLimit.map { Swift.min($0, configured) } ?? configured
    }

    /// This task's own thread count and minimum parallel work, replacing the process-wide ones.
    @TaskLocal private static var threadOverride: Int?
    @TaskLocal private static var parallelWorkOverride: Int?

    /// Runs `body` with `threads` compute threads and, when given, `minimumParallelWork`, on this
    /// task only: the process-wide settings stay as they are, and a `set(_:)` made meanwhile by
    /// other work (tests running side by side) does not reach `body`.
    /// - Throws: `TensorError.invalidArgument` unless `1 <= threads <= 1024`; what `body` throws.
    package static func withSettings<Result>(
        threads: Int, minimumParallelWork: Int? = nil, _ body: () throws -> Result
    ) throws -> Result {
        guard (1...1024).contains(threads) else {
            throw TensorError.invalidArgument(
                operation: "ComputeThreads.withSettings", message: "thread count must be in 1...1024, got \(threads)")
        }
        return try $threadOverride.withValue(threads) {
            try $parallelWorkOverride.withValue(minimumParallelWork.map { Swift.max(0, $0) }, operation: body)
        }
    }

    /// A lower thread count for the work of one scope (an inference plan's step whose timing
    /// showed that waking a second worker costs more than it saves).
    @TaskLocal private static var workerLimit: Int?

    /// Runs `body` with at most `workers` threads (nil: the setting), on this thread or task only.
    /// - Throws: what `body` throws.
    package static func withWorkers<Result>(_ workers: Int?, _ body: () throws -> Result) rethrows -> Result {
        guard let workers else { return try body() }
        return try $workerLimit.withValue(Swift.max(1, workers), operation: body)
    }

    /// Sets the thread count of GreenNN's parallel loops.
    /// - Throws: `TensorError.invalidArgument` unless `1 <= count <= 1024`.
    public static func set(_ count: Int) throws(TensorError) {
        guard (1...1024).contains(count) else {
            throw .invalidArgument(
                operation: "ComputeThreads.set", message: "thread count must be in 1...1024, got \(count)")
        }
        setting.withLock { $0 = count }
    }

    /// Held while OpenBLAS is threaded, so one-off LAPACK calls run one at a time and a reader
    /// of `openBLASThreadCount` never sees another task's call in flight.
    private static let openBLASThreading = NSLock()

    /// The thread count OpenBLAS is set to (1 outside `withOpenBLASThreads`).
    static var openBLASThreadCount: Int {
        openBLASThreading.lock()
        defer { openBLASThreading.unlock() }
        return Int(openblas_get_num_threads())
    }

    /// Runs `body`, a one-off LAPACK call that cannot be split into our own blocks, with
    /// OpenBLAS threaded to `count`, and pins OpenBLAS back to one thread afterwards. GEMMs
    /// that other tasks run meanwhile are threaded by OpenBLAS too (correct, if oversubscribed).
    static func withOpenBLASThreads<Result>(_ body: () throws -> Result) rethrows -> Result {
        let threads = Int32(truncatingIfNeeded: count)  // count is in 1...1024 (set(_:) checks)
        openBLASThreading.lock()
        defer { openBLASThreading.unlock() }
        openblas_set_num_threads(threads)
        defer { openblas_set_num_threads(1) }
        return try body()
    }

    /// How many workers `parallelFor` uses for `iterations` items.
    public static func workers(for iterations: Int) -> Int {
        Swift.max(1, Swift.min(count, iterations))
    }

    private static let parallelWork = Mutex(1 << 20)

    /// Below this many multiply-adds (or element visits) a kernel runs on the calling thread:
    /// waking a worker costs more than it saves (LeNet-5's 240,000-MAC conv2 took 24 µs on two
    /// threads against 10 µs on one). 2^20 by default; tests lower it to reach the parallel paths
    /// with small inputs.
    public static var minimumParallelWork: Int {
        get { parallelWorkOverride ?? parallelWork.withLock { $0 } }
        set { parallelWork.withLock { $0 = Swift.max(0, newValue) } }
    }

    /// `workers(for: iterations)`, or 1 when the whole job is below `minimumParallelWork`.
    public static func workers(for iterations: Int, work: Int) -> Int {
        work < minimumParallelWork ? 1 : workers(for: iterations)
    }
}

/// Runs `body` over `0..<iterations` split into contiguous shares, in parallel: on the calling
/// thread and `WorkerPool`'s spinning helpers (Dispatch when the pool is busy with another loop),
/// each share claimed by whichever worker comes free first, so that a worker the host does not
/// schedule (a stolen vCPU) leaves its shares to the others instead of holding the loop up.
///
/// By default there are `workers` shares and `body(share, range)` gets the share's index
/// (`0..<workers`) as its worker: exactly the split of one contiguous chunk per worker, each
/// index run once, whichever thread runs it (bodies may pick their work, or a partial sum, by
/// it). With `balanced`, there are several shares a worker and `body(worker, range)` gets the
/// index of the thread running it (`0..<workers`, for per-worker scratch), possibly for several
/// ranges: for bodies that only loop over their range.
///
/// Pass the `workers` you sized per-worker scratch for (from `ComputeThreads.workers(for:)`);
/// the default asks the setting now. With one worker `body` runs on the calling thread.
/// `body` must not start another parallel loop (kernels call the serial GEMM inside one).
public func parallelFor(
    _ iterations: Int, workers: Int? = nil, balanced: Bool = false,
    _ body: @Sendable (_ worker: Int, _ range: Range<Int>) -> Void
) {
    guard iterations > 0 else { return }
    let workers = Swift.max(1, Swift.min(workers ?? ComputeThreads.workers(for: iterations), iterations))
    guard workers > 1 else {
        body(0, 0..<iterations)
        return
    }
    let shares = balanced ? Swift.min(iterations, workers * sharesPerWorker) : workers
    // The next share to claim, on this stack frame: the loop ends before the function returns.
    let next = Atomic<Int>(0)
    let chunk: @Sendable (Int) -> Void = { worker in
        while true {
            let share = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard share < shares else { return }
            body(balanced ? worker : share, (iterations * share / shares)..<(iterations * (share + 1) / shares))
        }
    }
    if WorkerPool.shared.run(workers: workers, chunk) { return }
    DispatchQueue.concurrentPerform(iterations: workers, execute: chunk)
}

/// Shares of a balanced parallel loop each worker gets on average.
private let sharesPerWorker = 4
