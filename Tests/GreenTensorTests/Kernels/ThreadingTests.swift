import Synchronization
import Testing

@testable import GreenTensor

/// Thread counts are set per task (`ComputeThreads.withSettings`), so suites running side by
/// side, greenbench's `--threads` among them, cannot change them under a test.
struct ThreadingTests {
    @Test func parallelForCoversEveryIndexOnce() throws {
        for threads in [1, 2, 3] {
            try ComputeThreads.withSettings(threads: threads) {
                let counts = Mutex([Int](repeating: 0, count: 1001))
                let workers = Mutex(Set<Int>())
                parallelFor(1001) { worker, range in
                    workers.withLock { _ = $0.insert(worker) }
                    counts.withLock { for index in range { $0[index] += 1 } }
                }
                #expect(counts.withLock { $0 } == [Int](repeating: 1, count: 1001), "threads \(threads)")
                #expect(workers.withLock { $0 } == Set(0..<threads))
            }
        }
    }

    /// By default each share is one worker's contiguous chunk, its index the worker argument, run
    /// once whichever thread takes it; balanced, the shares are smaller and a worker index is never
    /// in use by two threads at once (per-worker scratch stays private).
    @Test func sharesAreClaimedOnceAndWorkerIndicesStayPrivate() throws {
        for threads in [2, 3] {
            try ComputeThreads.withSettings(threads: threads) {
                let chunks = Mutex([Int: Range<Int>]())
                parallelFor(1001) { worker, range in
                    chunks.withLock { #expect($0.updateValue(range, forKey: worker) == nil, "share \(worker) twice") }
                }
                let expected = (0..<threads).map { (1001 * $0 / threads)..<(1001 * ($0 + 1) / threads) }
                #expect(chunks.withLock { $0 }.sorted { $0.key < $1.key }.map(\.value) == expected)

                let counts = Mutex([Int](repeating: 0, count: 1001))
                // Calls in flight per worker index, the most seen at once, and the calls made.
                let state = Mutex((inFlight: [Int](repeating: 0, count: threads), most: 0, calls: 0))
                parallelFor(1001, balanced: true) { worker, range in
                    state.withLock {
                        $0.inFlight[worker] += 1
                        $0.most = Swift.max($0.most, $0.inFlight[worker])
                        $0.calls += 1
                    }
                    counts.withLock { for index in range { $0[index] += 1 } }
                    state.withLock { $0.inFlight[worker] -= 1 }
                }
                #expect(counts.withLock { $0 } == [Int](repeating: 1, count: 1001), "threads \(threads)")
                #expect(state.withLock { $0.most } == 1)
                #expect(state.withLock { $0.calls } > threads)
            }
        }
    }

    @Test func aScopedWorkerLimitLowersTheCountInsideItOnly() throws {
        try ComputeThreads.withSettings(threads: 3) {
            #expect(ComputeThreads.withWorkers(1) { ComputeThreads.count } == 1)
            #expect(ComputeThreads.withWorkers(8) { ComputeThreads.count } == 3)
            #expect(ComputeThreads.withWorkers(nil) { ComputeThreads.count } == 3)
            #expect(ComputeThreads.withWorkers(2) { ComputeThreads.workers(for: 100) } == 2)
            #expect(ComputeThreads.count == 3)
        }
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let input = randomTensor([4, 6, 12, 12], seed: 51)
        let weight = randomTensor([8, 6, 3, 3], seed: 52)
        let depthwise = randomTensor([6, 1, 3, 3], seed: 53)
        let run = { (threads: Int) in
            try ComputeThreads.withSettings(threads: threads, minimumParallelWork: 0) {
                (
                    try conv2d(input, weight: weight, padding: 1),
                    try depthwiseConv2d(input, weight: depthwise, stride: 2)
                )
            }
        }
        let single = try run(1)
        let double = try run(2)
        #expect(single.0.scalars == double.0.scalars)
        #expect(single.1.scalars == double.1.scalars)
    }

    @Test func smallJobsStayOnTheCallingThread() throws {
        try ComputeThreads.withSettings(threads: 2, minimumParallelWork: 1000) {
            #expect(ComputeThreads.minimumParallelWork == 1000)
            #expect(ComputeThreads.workers(for: 100, work: 999) == 1)
            #expect(ComputeThreads.workers(for: 100, work: 1000) == 2)
            #expect(ComputeThreads.workers(for: 1, work: 1 << 30) == 1)
        }
    }

    @Test func rejectsThreadCountsOutOfRange() {
        expectTensorError(["ComputeThreads.set", "1...1024", "got 0"]) { try ComputeThreads.set(0) }
        expectTensorError(["ComputeThreads.set", "got 5000"]) { try ComputeThreads.set(5000) }
        expectTensorError(["ComputeThreads.withSettings", "got 0"]) {
            _ = try ComputeThreads.withSettings(threads: 0) {}
        }
    }
}
