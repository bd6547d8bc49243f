/// The state of one measurement between `EnergyMeter.start()` and `stop(_:)`: the first
/// clock sample and, for a sensor, each counter's last reading and the energy counted so far.
///
/// A span is a plain value: keep it in a local, pass it to `checkpoint(_:)` by `inout`, and
/// hand it back to the meter that started it (a `RAPLMeter` rejects another meter's span).
public struct EnergySpan: Sendable, Equatable {
    /// The clock sample taken when the span started.
    public let start: ProcessSample

    /// One entry per RAPL zone the meter sums, in the meter's zone order; empty for the
    /// modelled backend.
    var counters: [Counter]

    /// Creates a span from its first sample and counters.
    init(start: ProcessSample, counters: [Counter]) {
        self.start = start
        self.counters = counters
    }

    /// One energy counter's progress through a span.
    struct Counter: Sendable, Equatable {
        /// The zone directory the counter belongs to.
        let directory: String
        /// The last `energy_uj` value read, in microjoules.
        var lastMicrojoules: UInt64
        /// Energy counted since the span started, wrap-arounds corrected, in microjoules.
        var countedMicrojoules: UInt64
    }
}
