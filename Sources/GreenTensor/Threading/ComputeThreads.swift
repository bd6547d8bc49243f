// The one thread setting of the library. OpenBLAS runs its own thread pool; our kernels
// run Dispatch loops. The rule: while any of our parallel loops runs, OpenBLAS is held
// at 1 thread, so the two pools never oversubscribe the cores.
import Dispatch
import Foundation
import Synchronization
internal import CBLAS

/// The number of threads GreenNN computes with, shared by OpenBLAS and GreenNN's kernels.
///
/// Defaults to the number of active processors, or to `GREENNN_THREADS` when set.
/// This is the only place that changes OpenBLAS's thread count.
///
/// ```swift
/// try ComputeThreads.set(1)   // single-threaded measurements
/// ```
public enum ComputeThreads {
    private struct State {
        var threads: Int
        var activeParallelLoops = 0
    }

    private static let state: Mutex<State> = {
        let environment = ProcessInfo.processInfo.environment["GREENNN_THREADS"].flatMap(Int.init)
        let threads = Swift.max(1, environment ?? ProcessInfo.processInfo.activeProcessorCount)
        openblas_set_num_threads(Int32(threads))
        return Mutex(State(threads: threads))
    }()

    /// The current thread count.
    public static var count: Int { state.withLock { $0.threads } }

    /// Sets the thread count for OpenBLAS and GreenNN's parallel loops.
    /// - Throws: `TensorError.invalidArgument` unless `1 <= count <= 1024`.
    public static func set(_ count: Int) throws(TensorError) {
        guard (1...1024).contains(count) else {
            throw .invalidArgument(operation: "ComputeThreads.set", message: "thread count must be in 1...1024, got \(count)")
        }
        state.withLock {
            $0.threads = count
            if $0.activeParallelLoops == 0 { openblas_set_num_threads(Int32(count)) }
        }
    }

    /// How many workers `parallelFor` uses for `iterations` items.
    public static func workers(for iterations: Int) -> Int {
        Swift.max(1, Swift.min(count, iterations))
    }

    fileprivate static func enterParallelLoop() {
        state.withLock {
            if $0.activeParallelLoops == 0 { openblas_set_num_threads(1) }
            $0.activeParallelLoops += 1
        }
    }

    fileprivate static func leaveParallelLoop() {
        state.withLock {
            $0.activeParallelLoops -= 1
            if $0.activeParallelLoops == 0 { openblas_set_num_threads(Int32($0.threads)) }
        }
    }
}

/// Runs `body` over `0..<iterations` split into `workers` contiguous chunks, one per worker,
/// in parallel. `body(worker, range)` gets its worker index (`0..<workers`, for per-worker
/// workspaces) and its disjoint range.
///
/// Pass the `workers` you sized per-worker scratch for (from `ComputeThreads.workers(for:)`);
/// the default asks the setting now. With one worker `body` runs on the calling thread and
/// OpenBLAS keeps all its threads; with more, OpenBLAS is held at 1 thread until every
/// worker has finished.
public func parallelFor(
    _ iterations: Int, workers: Int? = nil, _ body: @Sendable (_ worker: Int, _ range: Range<Int>) -> Void
) {
    guard iterations > 0 else { return }
    let workers = Swift.max(1, Swift.min(workers ?? ComputeThreads.workers(for: iterations), iterations))
    guard workers > 1 else {
        body(0, 0..<iterations)
        return
    }
    ComputeThreads.enterParallelLoop()
    defer { ComputeThreads.leaveParallelLoop() }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let start = iterations * worker / workers
        let end = iterations * (worker + 1) / workers
        body(worker, start..<end)
    }
}
