/// Where a report's energy figure came from; every report has one.
///
/// Its description is the line to print beside the numbers:
/// - "RAPL package-0 (intel-rapl:0) + dram (intel-rapl:0:2), PUE 1.0"
/// - "modelled: Green Algorithms (2 cores × 12.0 W/core × usage 0.98 + 24.0 GB × 0.3725 W/GB)
///   × PUE 1.0; RAPL unavailable: /sys/class/powercap does not exist"
public enum EnergySource: Sendable, Equatable, CustomStringConvertible {
    /// Measured: the sum of the RAPL counters of `zones` (package zones, plus dram when
    /// asked), times `powerUsageEffectiveness`.
    case rapl(zones: [RAPLZone], powerUsageEffectiveness: Double)
    /// Estimated from the power model with the numbers it used; `raplUnavailable` is the
    /// reason RAPL was not used, when the meter was chosen as a fallback.
    case modelled(ModelledPower, raplUnavailable: EnergyError?)

    /// Whether the figure comes from a sensor rather than a model.
    public var isMeasured: Bool {
        if case .rapl = self { return true }
        return false
    }

    /// The source in one line, with the zones or the model's numbers and any fallback reason.
    public var description: String {
        switch self {
        case let .rapl(zones, powerUsageEffectiveness):
            let summed = zones.map(\.description).joined(separator: " + ")
            return "RAPL \(summed), PUE \(decimal(powerUsageEffectiveness))"
        case let .modelled(power, raplUnavailable):
            let model = "modelled: \(power)"
            guard let raplUnavailable else { return model }
            return "\(model); \(raplUnavailable)"
        }
    }
}
