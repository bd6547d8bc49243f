import Glibc

/// The machine's clocks: `CLOCK_MONOTONIC` for wall time, and `getrusage(RUSAGE_SELF)`
/// user plus system time for the CPU time of every thread of the process.
public struct SystemProcessClock: ProcessClock {
    /// Creates the system clock.
    public init() {}

    /// Reads `CLOCK_MONOTONIC` and `getrusage(RUSAGE_SELF)`; both calls cannot fail with
    /// these arguments, so a failure leaves the reading at zero rather than trapping.
    public func sample() -> ProcessSample {
        var time = timespec()
        _ = clock_gettime(CLOCK_MONOTONIC, &time)
        var usage = rusage()
        _ = getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return ProcessSample(
            wallSeconds: Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9,
            cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime))
    }

    private func seconds(_ value: timeval) -> Double {
        Double(value.tv_sec) + Double(value.tv_usec) * 1e-6
    }
}
