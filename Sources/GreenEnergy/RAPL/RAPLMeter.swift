/// Measures energy with the CPU's RAPL counters through Linux powercap sysfs.
///
/// Zones are the `intel-rapl:*` (MSR) and `intel-rapl-mmio:*` entries of the powercap root,
/// classified by their `name` file, never by index (ENERGY.md §1):
/// - every `package-N` zone is summed; `dram` zones are added only when
///   `Options.includeDRAM` is set (AMD exposes none);
/// - psys (package plus platform), core and uncore (inside package) are never added;
/// - an `intel-rapl-mmio` zone repeating the name of an `intel-rapl` zone is dropped, so the
///   package counted by both control types is counted once.
///
/// Each zone's `max_energy_range_uj` is read once, and every difference between two readings
/// of `energy_uj` corrects one wrap-around with it (`RAPLZone.microjoules(from:to:)`). A
/// counter must not wrap twice between readings: over spans longer than range / power
/// (about 234 s for AMD's 65.5 kJ range at 280 W) call `checkpoint(_:)` regularly.
///
/// What it measures is the whole package: every process and container on the machine, not
/// only this one; a container that sees the host's tree reads host-wide energy.
///
/// `init` fails with an `EnergyError` that names the file and the reason when no package
/// zone can be read: no tree (virtual machines, which includes this project's development
/// machine), `energy_uj` root-only since the PLATYPUS fix (CVE-2020-8694), or an unusable
/// value. `EnergyMeters.best(...)` then falls back to `ModelledMeter` with that reason.
public struct RAPLMeter: EnergyMeter {
    /// Where the tree is and what to sum.
    public struct Options: Sendable, Equatable {
        /// The powercap class directory with one entry per zone. Default:
        /// "/sys/class/powercap"; tests pass a fixture directory.
        public var sysfsRoot: String
        /// Whether `dram` zones are added to the package zones. Default: false (as
        /// CodeCarbon's `rapl_include_dram`; Carbontracker adds them).
        public var includeDRAM: Bool
        /// Power usage effectiveness the measured energy is multiplied by, at least 1.
        /// Default: 1.0, a local machine (as CodeCarbon).
        public var powerUsageEffectiveness: Double

        /// Options; every argument left out takes the default documented on its property.
        public init(
            sysfsRoot: String = "/sys/class/powercap", includeDRAM: Bool = false, powerUsageEffectiveness: Double = 1.0
        ) {
            self.sysfsRoot = sysfsRoot
            self.includeDRAM = includeDRAM
            self.powerUsageEffectiveness = powerUsageEffectiveness
        }
    }

    /// Where the tree is and what to sum.
    public let options: Options
    /// The zones summed, in the order of their entries under the root.
    public let zones: [RAPLZone]
    /// The carbon intensity reports use.
    public let carbonIntensity: CarbonIntensity
    private let clock: any ProcessClock

    /// Finds the zones to sum and reads each counter once to prove it readable.
    /// - Parameters:
    ///   - options: the sysfs root, whether to add dram, and the PUE.
    ///   - carbonIntensity: grams CO2e per kWh (default: world average, 475).
    ///   - clock: where time and CPU time are read (default: the system's clocks).
    /// - Throws: `EnergyError` naming the file and why it cannot be used (missing tree,
    ///   permission denied, a value that is not a number or exceeds its range, no package
    ///   zone), or `.invalidArgument` for a PUE below 1.
    public init(
        options: Options = Options(), carbonIntensity: CarbonIntensity = .worldAverage,
        clock: any ProcessClock = SystemProcessClock()
    ) throws(EnergyError) {
        let pue = options.powerUsageEffectiveness
        guard pue.isFinite, pue >= 1 else {
            throw .invalidArgument(
                operation: "RAPLMeter", message: "powerUsageEffectiveness must be finite and at least 1, got \(pue)")
        }
        self.options = options
        zones = try Self.findZones(options)
        self.carbonIntensity = carbonIntensity
        self.clock = clock
        for zone in zones { _ = try Self.read(zone) }
    }

    /// The zones of the tree under `options.sysfsRoot` that the meter sums.
    private static func findZones(_ options: Options) throws(EnergyError) -> [RAPLZone] {
        let root = options.sysfsRoot
        try SysfsFile.checkDirectory(at: root)
        var named: [(identifier: String, name: String)] = []
        for entry in try SysfsFile.entries(of: root)
        where entry.hasPrefix("intel-rapl:") || entry.hasPrefix("intel-rapl-mmio:") {
            named.append((entry, try SysfsFile.text(at: "\(root)/\(entry)/name")))
        }
        let msrNames = Set(named.filter { !$0.identifier.hasPrefix("intel-rapl-mmio:") }.map(\.name))
        var zones: [RAPLZone] = []
        for (identifier, name) in named {
            let domain: RAPLZone.Domain
            if name.hasPrefix("package-") {
                domain = .package
            } else if name == "dram" && options.includeDRAM {
                domain = .dram
            } else {
                continue
            }
            if identifier.hasPrefix("intel-rapl-mmio:") && msrNames.contains(name) { continue }
            let directory = "\(root)/\(identifier)"
            let rangePath = directory + "/max_energy_range_uj"
            let range = try SysfsFile.microjoules(at: rangePath)
            guard range > 0 else {
                throw .unreadable(path: rangePath, reason: "the range is 0, so wraps cannot be corrected")
            }
            zones.append(
                RAPLZone(
                    identifier: identifier, name: name, domain: domain, directory: directory,
                    maxEnergyRangeMicrojoules: range))
        }
        guard zones.contains(where: { $0.domain == .package }) else {
            throw .noPackageZone(root: root, found: named.map { "\($0.name) (\($0.identifier))" })
        }
        return zones
    }

    /// The zone's `energy_uj` now, checked to lie within its range.
    private static func read(_ zone: RAPLZone) throws(EnergyError) -> UInt64 {
        let value = try SysfsFile.microjoules(at: zone.energyPath)
        guard value <= zone.maxEnergyRangeMicrojoules else {
            throw .unreadable(
                path: zone.energyPath,
                reason: "reading \(value) exceeds max_energy_range_uj \(zone.maxEnergyRangeMicrojoules)")
        }
        return value
    }

    /// Reads every counter, then the clock.
    public func start() throws(EnergyError) -> EnergySpan {
        var counters: [EnergySpan.Counter] = []
        for zone in zones {
            let reading = try Self.read(zone)
            counters.append(.init(directory: zone.directory, lastMicrojoules: reading, countedMicrojoules: 0))
        }
        return EnergySpan(start: clock.sample(), counters: counters)
    }

    /// Reads every counter and adds what each counted since its last reading, wrap corrected.
    public func checkpoint(_ span: inout EnergySpan) throws(EnergyError) {
        let actual = span.counters.map(\.directory)
        guard actual == zones.map(\.directory) else {
            throw .spanMismatch(
                operation: "RAPLMeter", expectedZones: zones.map(\.directory), actualZones: actual)
        }
        for (index, zone) in zones.enumerated() {
            let now = try Self.read(zone)
            let counted = zone.microjoules(from: span.counters[index].lastMicrojoules, to: now)
            span.counters[index].countedMicrojoules += counted
            span.counters[index].lastMicrojoules = now
        }
    }

    /// Reads the clock, then every counter, and reports the summed energy times the PUE.
    public func stop(_ span: EnergySpan) throws(EnergyError) -> EnergyReport {
        let now = clock.sample()
        var span = span
        try checkpoint(&span)
        let microjoules = span.counters.reduce(UInt64(0)) { $0 + $1.countedMicrojoules }
        return EnergyReport(
            wallSeconds: Swift.max(0, now.wallSeconds - span.start.wallSeconds),
            cpuSeconds: Swift.max(0, now.cpuSeconds - span.start.cpuSeconds),
            joules: Double(microjoules) * 1e-6 * options.powerUsageEffectiveness,
            carbonIntensity: carbonIntensity,
            source: .rapl(zones: zones, powerUsageEffectiveness: options.powerUsageEffectiveness))
    }

    /// "RAPL package-0 (intel-rapl:0) + dram (intel-rapl:0:2) under /sys/class/powercap, PUE 1.0".
    public var description: String {
        "RAPL \(zones.map(\.description).joined(separator: " + ")) under \(options.sysfsRoot), "
            + "PUE \(decimal(options.powerUsageEffectiveness))"
    }
}
