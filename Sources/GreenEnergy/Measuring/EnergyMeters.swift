/// Chooses a meter: RAPL where this machine lets the process read it, the modelled backend
/// otherwise, with the reason RAPL was not used kept in every report's source.
///
/// ```swift
/// let meter = try EnergyMeters.best()
/// print(meter)   // "modelled (...); RAPL unavailable: /sys/class/powercap does not exist"
/// ```
public enum EnergyMeters {
    /// `RAPLMeter(options: rapl, ...)` when it can be built, else
    /// `ModelledMeter(configuration: modelled, ...)` carrying RAPL's error as the reason.
    /// - Parameters:
    ///   - rapl: the sysfs root, whether to add dram, and the PUE for measured energy.
    ///   - modelled: the model's constants for the fallback.
    ///   - carbonIntensity: grams CO2e per kWh for either (default: world average, 475).
    ///   - clock: where time and CPU time are read (default: the system's clocks).
    /// - Throws: `EnergyError.invalidArgument` when the modelled configuration or a PUE is
    ///   out of range; an unreadable sensor is never an error here.
    public static func best(
        rapl: RAPLMeter.Options = RAPLMeter.Options(),
        modelled: ModelledMeter.Configuration = ModelledMeter.Configuration(),
        carbonIntensity: CarbonIntensity = .worldAverage,
        clock: any ProcessClock = SystemProcessClock()
    ) throws(EnergyError) -> any EnergyMeter {
        do {
            return try RAPLMeter(options: rapl, carbonIntensity: carbonIntensity, clock: clock)
        } catch {
            if case .invalidArgument = error { throw error }
            return try ModelledMeter(
                configuration: modelled, carbonIntensity: carbonIntensity, raplUnavailable: error, clock: clock)
        }
    }
}
