/// What a meter measured over one span: time, energy, average power and CO2e, each with its
/// unit in its name, and the `source` of the energy figure, always filled in.
///
/// ```swift
/// let report = try meter.stop(span)
/// report.joules                  // energy over the span
/// try report.joulesPer(10_000)   // per image, for 10,000 images
/// print(report)                  // every number with its unit, then the source
/// ```
public struct EnergyReport: Sendable, Equatable, CustomStringConvertible {
    /// Wall-clock time of the span, in seconds.
    public let wallSeconds: Double
    /// CPU time the process used during the span (user plus system, every thread), in seconds.
    public let cpuSeconds: Double
    /// Energy over the span, in joules (PUE included).
    public let joules: Double
    /// Average power, joules / wallSeconds, in watts (0 for a span of no time).
    public let averageWatts: Double
    /// Emissions for `joules` at `carbonIntensity`, in grams of CO2-equivalent.
    public let gramsCO2e: Double
    /// The carbon intensity `gramsCO2e` was computed with.
    public let carbonIntensity: CarbonIntensity
    /// Where the energy figure came from.
    public let source: EnergySource

    /// A report from measured times and energy; average power and CO2e are derived.
    public init(
        wallSeconds: Double, cpuSeconds: Double, joules: Double, carbonIntensity: CarbonIntensity,
        source: EnergySource
    ) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.joules = joules
        averageWatts = wallSeconds > 0 ? joules / wallSeconds : 0
        gramsCO2e = carbonIntensity.gramsCO2e(joules: joules)
        self.carbonIntensity = carbonIntensity
        self.source = source
    }

    /// Energy in kilowatt-hours (1 kWh = 3.6e6 J).
    public var kilowattHours: Double { joules / CarbonIntensity.joulesPerKilowattHour }

    /// Joules per item when the span processed `count` items (images, samples, batches).
    /// - Throws: `EnergyError.invalidArgument` unless `count > 0`.
    public func joulesPer(_ count: Int) throws(EnergyError) -> Double {
        try joules / Double(checkedCount(count, operation: "EnergyReport.joulesPer"))
    }

    /// Grams of CO2e per item when the span processed `count` items.
    /// - Throws: `EnergyError.invalidArgument` unless `count > 0`.
    public func gramsCO2ePer(_ count: Int) throws(EnergyError) -> Double {
        try gramsCO2e / Double(checkedCount(count, operation: "EnergyReport.gramsCO2ePer"))
    }

    /// Grams of CO2e per 1000 items when the span processed `count` items.
    /// - Throws: `EnergyError.invalidArgument` unless `count > 0`.
    public func gramsCO2ePerThousand(_ count: Int) throws(EnergyError) -> Double {
        try gramsCO2e * 1000 / Double(checkedCount(count, operation: "EnergyReport.gramsCO2ePerThousand"))
    }

    private func checkedCount(_ count: Int, operation: String) throws(EnergyError) -> Int {
        guard count > 0 else {
            throw .invalidArgument(operation: operation, message: "item count must be positive, got \(count)")
        }
        return count
    }

    /// "wall 10.0 s, CPU 10.0 s, 251.3 J, 25.13 W average, 0.03316 gCO2e at 475.0 gCO2e/kWh
    /// (world average, IEA 2019); source: modelled: ...".
    public var description: String {
        "wall \(decimal(wallSeconds)) s, CPU \(decimal(cpuSeconds)) s, \(decimal(joules)) J, "
            + "\(decimal(averageWatts)) W average, \(decimal(gramsCO2e)) gCO2e at \(carbonIntensity); "
            + "source: \(source)"
    }
}
