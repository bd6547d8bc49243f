/// The power the modelled backend estimated for one span, with every number it used, in the
/// manner of Green Algorithms (Lannelongue, Grealey, Inouye, *Adv. Sci.* 2021, 2100707;
/// ENERGY.md §2):
///
///     watts = (cores × wattsPerCore × usage + memoryGigabytes × wattsPerGigabyte) × PUE
///
/// Its description is the formula with the numbers filled in:
/// "Green Algorithms (2 cores × 12.0 W/core × usage 0.98 + 24.0 GB × 0.3725 W/GB) × PUE 1.0".
public struct ModelledPower: Sendable, Equatable, CustomStringConvertible {
    /// Cores counted as busy.
    public let cores: Int
    /// Power of one core at full use, in watts.
    public let wattsPerCore: Double
    /// Share of the cores' capacity used, in [0, 1]: CPU time / (wall time × cores).
    public let usage: Double
    /// Memory counted, in gigabytes (2^30 bytes).
    public let memoryGigabytes: Double
    /// Power per gigabyte of memory, in watts.
    public let wattsPerGigabyte: Double
    /// Power usage effectiveness: facility energy / computer energy, at least 1.
    public let powerUsageEffectiveness: Double

    /// Creates a breakdown from its numbers; `ModelledMeter` validates them.
    public init(
        cores: Int, wattsPerCore: Double, usage: Double, memoryGigabytes: Double, wattsPerGigabyte: Double,
        powerUsageEffectiveness: Double
    ) {
        self.cores = cores
        self.wattsPerCore = wattsPerCore
        self.usage = usage
        self.memoryGigabytes = memoryGigabytes
        self.wattsPerGigabyte = wattsPerGigabyte
        self.powerUsageEffectiveness = powerUsageEffectiveness
    }

    /// cores × wattsPerCore × usage, in watts (before PUE).
    public var coreWatts: Double { Double(cores) * wattsPerCore * usage }

    /// memoryGigabytes × wattsPerGigabyte, in watts (before PUE).
    public var memoryWatts: Double { memoryGigabytes * wattsPerGigabyte }

    /// (coreWatts + memoryWatts) × powerUsageEffectiveness, in watts.
    public var watts: Double { (coreWatts + memoryWatts) * powerUsageEffectiveness }

    /// The formula with its numbers.
    public var description: String {
        "Green Algorithms (\(cores) \(cores == 1 ? "core" : "cores") × \(decimal(wattsPerCore)) W/core "
            + "× usage \(decimal(usage)) + \(decimal(memoryGigabytes)) GB × \(decimal(wattsPerGigabyte)) W/GB) "
            + "× PUE \(decimal(powerUsageEffectiveness))"
    }
}
