/// One reading of the clocks a meter needs: monotonic wall time and the CPU time the
/// process has used, both in seconds from an arbitrary origin (only differences matter).
public struct ProcessSample: Sendable, Equatable, CustomStringConvertible {
    /// Monotonic wall-clock time, in seconds.
    public let wallSeconds: Double
    /// CPU time of the whole process (every thread), user plus system, in seconds.
    public let cpuSeconds: Double

    /// Creates a sample from given times, in seconds.
    public init(wallSeconds: Double, cpuSeconds: Double) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
    }

    /// "wall 12.5 s, CPU 20.1 s".
    public var description: String {
        "wall \(decimal(wallSeconds)) s, CPU \(decimal(cpuSeconds)) s"
    }
}
