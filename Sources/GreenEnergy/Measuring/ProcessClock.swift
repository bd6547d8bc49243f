/// Where a meter reads the time: `SystemProcessClock` on a real machine, a scripted source
/// in tests, so that reports can be checked against hand-computed values.
public protocol ProcessClock: Sendable {
    /// Reads the wall clock and the process's CPU time now.
    func sample() -> ProcessSample
}
