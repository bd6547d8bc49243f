import Synchronization
import Testing

@testable import GreenTensor

/// Changes the process-wide thread setting, so its tests run one at a time.
@Suite(.serialized) struct ThreadingTests {
    @Test func parallelForCoversEveryIndexOnce() throws {
        let previous = ComputeThreads.count
        defer { try? ComputeThreads.set(previous) }
        for threads in [1, 2, 3] {
            try ComputeThreads.set(threads)
            let counts = Mutex([Int](repeating: 0, count: 1001))
            let workers = Mutex(Set<Int>())
            parallelFor(1001) { worker, range in
                workers.withLock { _ = $0.insert(worker) }
                counts.withLock { for index in range { $0[index] += 1 } }
            }
            #expect(counts.withLock { $0 } == [Int](repeating: 1, count: 1001), "threads \(threads)")
            #expect(workers.withLock { $0 } == Set(0..<ComputeThreads.workers(for: 1001)))
        }
    }

    @Test func aScopedWorkerLimitLowersTheCountInsideItOnly() throws {
        let previous = ComputeThreads.count
        defer { try? ComputeThreads.set(previous) }
        try ComputeThreads.set(3)
        #expect(ComputeThreads.withWorkers(1) { ComputeThreads.count } == 1)
        #expect(ComputeThreads.withWorkers(8) { ComputeThreads.count } == 3)
        #expect(ComputeThreads.withWorkers(nil) { ComputeThreads.count } == 3)
        #expect(ComputeThreads.withWorkers(2) { ComputeThreads.workers(for: 100) } == 2)
        #expect(ComputeThreads.count == 3)
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let previous = ComputeThreads.count
        let work = ComputeThreads.minimumParallelWork
        defer {
            try? ComputeThreads.set(previous)
            ComputeThreads.minimumParallelWork = work
        }
        ComputeThreads.minimumParallelWork = 0
        let input = randomTensor([4, 6, 12, 12], seed: 51)
        let weight = randomTensor([8, 6, 3, 3], seed: 52)
        let depthwise = randomTensor([6, 1, 3, 3], seed: 53)
        try ComputeThreads.set(1)
        let single = (
            try conv2d(input, weight: weight, padding: 1), try depthwiseConv2d(input, weight: depthwise, stride: 2)
        )
        try ComputeThreads.set(2)
        let double = (
            try conv2d(input, weight: weight, padding: 1), try depthwiseConv2d(input, weight: depthwise, stride: 2)
        )
        #expect(single.0.scalars == double.0.scalars)
        #expect(single.1.scalars == double.1.scalars)
    }

    @Test func smallJobsStayOnTheCallingThread() {
        #expect(ComputeThreads.workers(for: 100, work: ComputeThreads.minimumParallelWork - 1) == 1)
        #expect(ComputeThreads.workers(for: 100, work: 1 << 30) == ComputeThreads.workers(for: 100))
    }

    @Test func rejectsThreadCountsOutOfRange() {
        expectTensorError(["ComputeThreads.set", "1...1024", "got 0"]) { try ComputeThreads.set(0) }
        expectTensorError(["ComputeThreads.set", "got 5000"]) { try ComputeThreads.set(5000) }
    }
}
