import GreenEnergy
import Synchronization

/// A clock that returns given samples in order (the last one again once they run out), so
/// a report's wall and CPU time are known exactly.
final class ScriptedClock: ProcessClock {
    private let samples: Mutex<[ProcessSample]>

    /// A clock returning `samples` in order; `samples` must not be empty.
    init(_ samples: [ProcessSample]) {
        self.samples = Mutex(samples)
    }

    /// A clock whose first reading is (0, 0) and second (`wallSeconds`, `cpuSeconds`).
    convenience init(wallSeconds: Double, cpuSeconds: Double) {
        self.init([
            ProcessSample(wallSeconds: 0, cpuSeconds: 0),
            ProcessSample(wallSeconds: wallSeconds, cpuSeconds: cpuSeconds),
        ])
    }

    func sample() -> ProcessSample {
        samples.withLock { samples in
            samples.count > 1 ? samples.removeFirst() : samples[0]
        }
    }
}
