/// One powercap zone whose energy counter a `RAPLMeter` sums.
///
/// Zones are found by the `name` file, never by index: on a typical laptop `intel-rapl:0` is
/// package-0 and `intel-rapl:1` is psys (ENERGY.md §1, `rapl_package_register_powercap`).
public struct RAPLZone: Sendable, Equatable, CustomStringConvertible {
    /// The energy domains a meter sums. Core and uncore lie inside package and psys covers
    /// package plus the platform, so neither is ever added; dram is a separate domain
    /// (memory controller) that sysfs happens to place under its package.
    public enum Domain: Sendable, Equatable {
        /// A `package-N` (or `package-N-die-M`) zone: cores plus last-level cache.
        case package
        /// A `dram` zone: the memory controller of one package.
        case dram
    }

    /// The zone's entry under the powercap root, e.g. "intel-rapl:0" or "intel-rapl-mmio:0".
    public let identifier: String
    /// The content of its `name` file, e.g. "package-0" or "dram".
    public let name: String
    /// Which domain the name says it is.
    public let domain: Domain
    /// The zone's directory, e.g. "/sys/class/powercap/intel-rapl:0".
    public let directory: String
    /// The zone's `max_energy_range_uj`: `energy_uj` counts up to this many microjoules and
    /// then starts again from 0.
    public let maxEnergyRangeMicrojoules: UInt64

    /// Creates a zone description; `RAPLMeter` builds these from the sysfs tree.
    public init(
        identifier: String, name: String, domain: Domain, directory: String, maxEnergyRangeMicrojoules: UInt64
    ) {
        self.identifier = identifier
        self.name = name
        self.domain = domain
        self.directory = directory
        self.maxEnergyRangeMicrojoules = maxEnergyRangeMicrojoules
    }

    /// The path of the zone's cumulative counter, `energy_uj`.
    public var energyPath: String { directory + "/energy_uj" }

    /// Whether the zone belongs to the `intel-rapl-mmio` control type, which repeats a
    /// package of the `intel-rapl` (MSR) type with the same energy.
    public var isMMIO: Bool { identifier.hasPrefix("intel-rapl-mmio:") }

    /// Microjoules counted between two readings of `energy_uj`, correcting one wrap-around:
    /// `current - previous` when the counter did not fall, else
    /// `current + maxEnergyRangeMicrojoules - previous` (ENERGY.md §1, "Counter wrap-around").
    /// Both readings must lie within the range, as `RAPLMeter` checks when it reads them.
    public func microjoules(from previous: UInt64, to current: UInt64) -> UInt64 {
        current >= previous ? current - previous : current + (maxEnergyRangeMicrojoules - previous)
    }

    /// "package-0 (intel-rapl:0)".
    public var description: String { "\(name) (\(identifier))" }
}
