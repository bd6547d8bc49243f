import Foundation

/// Estimates energy where no sensor can be read, in the manner of Green Algorithms
/// (ENERGY.md §2): power = (cores × watts per core × usage + memory GB × watts per GB) × PUE,
/// held over the span's wall time.
///
/// - usage = measured CPU time / (wall time × cores), clamped to [0, 1]. Green Algorithms
///   asks the user for it (default 1.0); CodeCarbon's process mode uses the same ratio
///   against logical CPUs.
/// - cores = the busy cores; by default the machine's active processors.
/// - memory = the memory available, not the memory used (Green Algorithms' definition); by
///   default the machine's physical memory.
///
/// This is a model, not a measurement: the report's source says so and gives every number.
/// Other tools model differently (CodeCarbon: TDP × (0.1 + 0.9 u³) plus 5 W per DIMM;
/// Carbontracker: TDP / 2, no memory); see Docs/Energy.md.
///
/// ```swift
/// var configuration = ModelledMeter.Configuration()
/// configuration.powerUsageEffectiveness = ModelledMeter.Configuration.greenAlgorithmsUnknownPUE
/// let meter = try ModelledMeter(configuration: configuration)
/// ```
public struct ModelledMeter: EnergyMeter {
    /// The model's constants, each overridable (greenbench exposes them as flags).
    public struct Configuration: Sendable, Equatable {
        /// Green Algorithms' power per core of an unknown CPU: the `Any` row of
        /// `data/*/TDP_cpu.csv`, 12.0 W, the same in every data version (the row cites no
        /// source).
        public static let greenAlgorithmsWattsPerCore: Double = 12
        /// Green Algorithms' memory power: 0.3725 W/GB, `data/latest/referenceValues.csv`,
        /// unchanged from v1.0 to v3.0.
        public static let greenAlgorithmsWattsPerGigabyte: Double = 0.3725
        /// PUE of a local machine with no data-centre overhead: 1.0, as Green Algorithms'
        /// "personal computer" and CodeCarbon's default.
        public static let localPUE: Double = 1.0
        /// Green Algorithms' PUE for an unknown data centre: 1.56 (`defaults_PUE.csv`,
        /// Uptime Institute 2024 survey; 1.67 before data v3.0).
        public static let greenAlgorithmsUnknownPUE: Double = 1.56
        /// Carbontracker's PUE, applied to every energy source: 1.58 (`constants.PUE_2023`).
        public static let carbontrackerPUE: Double = 1.58

        /// Cores counted as busy. Default: `ProcessInfo.activeProcessorCount`.
        public var cores: Int
        /// Power of one core at full use, in watts. Default: 12.0
        /// (`greenAlgorithmsWattsPerCore`).
        public var wattsPerCore: Double
        /// Memory counted, in gigabytes of 2^30 bytes. Default: `ProcessInfo.physicalMemory`.
        public var memoryGigabytes: Double
        /// Power per gigabyte of memory, in watts. Default: 0.3725
        /// (`greenAlgorithmsWattsPerGigabyte`).
        public var wattsPerGigabyte: Double
        /// Power usage effectiveness, at least 1. Default: 1.0 (`localPUE`).
        public var powerUsageEffectiveness: Double

        /// A configuration; every argument left out takes the default documented on its
        /// property.
        public init(
            cores: Int = ProcessInfo.processInfo.activeProcessorCount,
            wattsPerCore: Double = greenAlgorithmsWattsPerCore,
            memoryGigabytes: Double = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824,
            wattsPerGigabyte: Double = greenAlgorithmsWattsPerGigabyte,
            powerUsageEffectiveness: Double = localPUE
        ) {
            self.cores = cores
            self.wattsPerCore = wattsPerCore
            self.memoryGigabytes = memoryGigabytes
            self.wattsPerGigabyte = wattsPerGigabyte
            self.powerUsageEffectiveness = powerUsageEffectiveness
        }
    }

    /// The model's constants.
    public let configuration: Configuration
    /// The carbon intensity reports use.
    public let carbonIntensity: CarbonIntensity
    /// Why RAPL was not used, when this meter is a fallback; quoted in every report's source.
    public let raplUnavailable: EnergyError?
    private let clock: any ProcessClock

    /// A modelled meter.
    /// - Parameters:
    ///   - configuration: the model's constants (defaults: this machine, Green Algorithms).
    ///   - carbonIntensity: grams CO2e per kWh (default: world average, 475).
    ///   - raplUnavailable: the reason RAPL was not used, if this meter is a fallback.
    ///   - clock: where time and CPU time are read (default: the system's clocks).
    /// - Throws: `EnergyError.invalidArgument` unless cores ≥ 1, the watts and gigabytes are
    ///   finite and non-negative, and the PUE is finite and at least 1.
    public init(
        configuration: Configuration = Configuration(), carbonIntensity: CarbonIntensity = .worldAverage,
        raplUnavailable: EnergyError? = nil, clock: any ProcessClock = SystemProcessClock()
    ) throws(EnergyError) {
        try Self.validate(configuration)
        self.configuration = configuration
        self.carbonIntensity = carbonIntensity
        self.raplUnavailable = raplUnavailable
        self.clock = clock
    }

    private static func validate(_ configuration: Configuration) throws(EnergyError) {
        func invalid(_ message: String) -> EnergyError {
            .invalidArgument(operation: "ModelledMeter", message: message)
        }
        guard configuration.cores >= 1 else { throw invalid("cores must be at least 1, got \(configuration.cores)") }
        let nonNegative = [
            ("wattsPerCore", configuration.wattsPerCore), ("memoryGigabytes", configuration.memoryGigabytes),
            ("wattsPerGigabyte", configuration.wattsPerGigabyte),
        ]
        for (name, value) in nonNegative where !(value.isFinite && value >= 0) {
            throw invalid("\(name) must be finite and non-negative, got \(value)")
        }
        let pue = configuration.powerUsageEffectiveness
        guard pue.isFinite, pue >= 1 else {
            throw invalid("powerUsageEffectiveness must be finite and at least 1, got \(pue)")
        }
    }

    /// Samples the clock; the span has no counters.
    public func start() -> EnergySpan {
        EnergySpan(start: clock.sample(), counters: [])
    }

    /// Does nothing: the model has no counter that could wrap.
    public func checkpoint(_ span: inout EnergySpan) {}

    /// Samples the clock and reports the model's power held over the span's wall time.
    /// A span from another meter is accepted: only its start sample is read.
    public func stop(_ span: EnergySpan) -> EnergyReport {
        let now = clock.sample()
        let wallSeconds = Swift.max(0, now.wallSeconds - span.start.wallSeconds)
        let cpuSeconds = Swift.max(0, now.cpuSeconds - span.start.cpuSeconds)
        let power = power(wallSeconds: wallSeconds, cpuSeconds: cpuSeconds)
        return EnergyReport(
            wallSeconds: wallSeconds, cpuSeconds: cpuSeconds, joules: power.watts * wallSeconds,
            carbonIntensity: carbonIntensity, source: .modelled(power, raplUnavailable: raplUnavailable))
    }

    /// The model's power for a span of `wallSeconds` in which the process used `cpuSeconds`
    /// of CPU time: usage = cpuSeconds / (wallSeconds × cores), clamped to [0, 1] (0 for a
    /// span of no time).
    public func power(wallSeconds: Double, cpuSeconds: Double) -> ModelledPower {
        let capacity = wallSeconds * Double(configuration.cores)
        let usage = capacity > 0 ? Swift.min(1, Swift.max(0, cpuSeconds / capacity)) : 0
        return ModelledPower(
            cores: configuration.cores, wattsPerCore: configuration.wattsPerCore, usage: usage,
            memoryGigabytes: configuration.memoryGigabytes, wattsPerGigabyte: configuration.wattsPerGigabyte,
            powerUsageEffectiveness: configuration.powerUsageEffectiveness)
    }

    /// "modelled (Green Algorithms, 2 cores × 12.0 W/core, 23.54 GB × 0.3725 W/GB, PUE 1.0)",
    /// followed by the RAPL reason when this meter is a fallback.
    public var description: String {
        let model =
            "modelled (Green Algorithms, \(configuration.cores) cores × "
            + "\(decimal(configuration.wattsPerCore)) W/core, "
            + "\(decimal(configuration.memoryGigabytes)) GB × \(decimal(configuration.wattsPerGigabyte)) W/GB, "
            + "PUE \(decimal(configuration.powerUsageEffectiveness)))"
        guard let raplUnavailable else { return model }
        return "\(model); \(raplUnavailable)"
    }
}
