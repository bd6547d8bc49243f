import Foundation
import Synchronization

/// The threads `parallelFor` hands its chunks to: long-lived helpers that, after each chunk,
/// spin for a while watching for the next one before they go to sleep.
///
/// A Dispatch worker takes 50-100 µs to wake on the KVM guests measured (a `concurrentPerform`
/// over two 35 µs halves took as long as running both on one thread), which is longer than most
/// steps of an inference plan. A helper that is still spinning starts within a fraction of a
/// microsecond, as ONNX Runtime's and OpenMP's pools do. One loop runs on the pool at a time;
/// a loop that finds it busy (another thread's, or one nested in a chunk) falls back to Dispatch.
final class WorkerPool: @unchecked Sendable {
    /// The process-wide pool.
    static let shared = WorkerPool()

    /// How long a helper spins for the next chunk before it sleeps.
    private static let spinNanoseconds: UInt64 = 300_000

    /// One helper thread: the last loop it was handed, the last it claimed (or the caller
    /// claimed for it, finding every piece taken before it started) and the last it finished.
    private final class Helper: @unchecked Sendable {
        let ticket = Atomic<Int>(0)
        let claim = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let condition = NSCondition()
        var sleeping = false

        /// Claims loop `generation` for whichever side gets there first: true for the first.
        func claim(_ generation: Int) -> Bool {
            let current = claim.load(ordering: .acquiring)
            return current != generation
                && claim.compareExchange(expected: current, desired: generation, ordering: .acquiringAndReleasing)
                    .exchanged
        }
    }

    private let busy = Atomic<Bool>(false)
    private var helpers: [Helper] = []
    private var generation = 0
    /// The chunk body of the current loop; written before the tickets are released.
    private var job: (@Sendable (Int) -> Void)?

    private init() {}

    /// Runs `body(worker)` for `worker` in `0..<workers`, worker 0 on the calling thread, each
    /// helper's call skipped if it has not started once the caller's returns (so `body` must
    /// leave no work to a worker it does not do itself: claim work as it goes); false (nothing
    /// run) when the pool is busy with another loop.
    func run(workers: Int, _ body: @Sendable (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { busy.store(false, ordering: .releasing) }
        while helpers.count < workers - 1 { start(Helper(), index: helpers.count + 1) }
        withoutActuallyEscaping(body) { body in
            job = body
            generation += 1
            for helper in helpers.prefix(workers - 1) {
                helper.ticket.store(generation, ordering: .releasing)
                helper.condition.lock()
                if helper.sleeping { helper.condition.signal() }
                helper.condition.unlock()
            }
            body(0)
            // A helper that has not started by now finds its pieces taken: claimed here, it skips
            // this loop, and the caller does not wait for a thread the host has not scheduled.
            for helper in helpers.prefix(workers - 1) where !helper.claim(generation) {
                var spins = 0
                while helper.done.load(ordering: .acquiring) != generation {
                    spins += 1
                    if spins % 1024 == 0 { sched_yield() }
                }
            }
            job = nil
        }
        return true
    }

    /// Starts `helper`'s thread, which runs chunk `index` of every loop it is handed.
    private func start(_ helper: Helper, index: Int) {
        helpers.append(helper)
        let thread = Thread { [unowned self] in
            var seen = 0
            while true {
                let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
                var spins = 0
                while helper.ticket.load(ordering: .acquiring) == seen {
                    spins += 1
                    if spins % 256 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
                        helper.condition.lock()
                        helper.sleeping = true
                        while helper.ticket.load(ordering: .acquiring) == seen { helper.condition.wait() }
                        helper.sleeping = false
                        helper.condition.unlock()
                    }
                }
                seen = helper.ticket.load(ordering: .acquiring)
                guard helper.claim(seen) else { continue }
                self.job?(index)
                helper.done.store(seen, ordering: .releasing)
            }
        }
        thread.name = "GreenNN worker \(index)"
        thread.start()
    }
}
