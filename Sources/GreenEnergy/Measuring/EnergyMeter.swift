/// Something that measures the time and energy of a piece of work and says where its
/// energy figure came from.
///
/// Two backends conform: `RAPLMeter` reads the CPU's own energy counters through Linux
/// powercap, and `ModelledMeter` estimates power from CPU time, core power and memory in the
/// manner of Green Algorithms when no sensor can be read. `EnergyMeters.best(...)` picks the
/// first that works and records why RAPL was not used.
///
/// Measure a closure:
///
/// ```swift
/// let meter = try EnergyMeters.best()
/// let (output, report) = try meter.measure { try model.forward(batch) }
/// print(report)                       // "wall 0.81 s, CPU 1.6 s, 21.3 J, ..., source: ..."
/// print(try report.joulesPer(64))     // joules per image of a 64-image batch
/// ```
///
/// or a span, when the work is not one closure:
///
/// ```swift
/// var span = try meter.start()
/// for batch in batches { try step(batch); try meter.checkpoint(&span) }
/// let report = try meter.stop(span)
/// ```
///
/// Meters are immutable values, so one meter may time several spans at once, from any task.
public protocol EnergyMeter: Sendable, CustomStringConvertible {
    /// Takes the first sample of a span: the clock and, for a sensor, its counters.
    /// - Throws: `EnergyError` when a sensor that worked before cannot be read now.
    func start() throws(EnergyError) -> EnergySpan

    /// Folds the counters read so far into `span`, so that a counter that wraps more than
    /// once over a long span is still counted correctly. A RAPL counter wraps every
    /// `max_energy_range_uj / power` seconds (about 234 s for AMD's 65.5 kJ range at
    /// 280 W, ENERGY.md §1), so call this well inside that, e.g. once per training step.
    /// The modelled backend has no counters and leaves the span as it is.
    /// - Throws: `EnergyError` when the counters cannot be read or the span is another
    ///   meter's.
    func checkpoint(_ span: inout EnergySpan) throws(EnergyError)

    /// Takes the last sample of `span` and reports the wall time, CPU time, energy, average
    /// power and CO2e between `start()` and now.
    /// - Throws: `EnergyError` when the counters cannot be read or the span is another
    ///   meter's.
    func stop(_ span: EnergySpan) throws(EnergyError) -> EnergyReport
}

extension EnergyMeter {
    /// Runs `body` between `start()` and `stop(_:)`, and returns its result with the report.
    /// - Throws: the error of `body`, or an `EnergyError` from the meter.
    public func measure<Value>(_ body: () throws -> Value) throws -> (result: Value, report: EnergyReport) {
        let span = try start()
        let result = try body()
        return (result, try stop(span))
    }
}
