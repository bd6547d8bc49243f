import GreenEnergy

/// The energy flags shared by `run` and `train`: the modelled backend's constants, the PUE,
/// the carbon intensity and where RAPL lives.
enum EnergyOptions {
    /// Option names these flags use (add them to a command's value options).
    static let valueOptions: Set<String> = ["pue", "watts-per-core", "memory-gb", "carbon", "rapl-root"]
    /// Flag names (no value).
    static let flagOptions: Set<String> = ["dram"]

    /// Usage lines for a command's help text.
    static let usage = """
          --watts-per-core W   modelled backend: watts per busy core (default 12, Green Algorithms "Any" CPU)
          --memory-gb G        modelled backend: memory counted, GB (default: the machine's)
          --pue P              power usage effectiveness applied to energy (default 1.0, a local machine)
          --carbon G           grams CO2e per kWh (default 475, world average, IEA 2019)
          --rapl-root DIR      powercap sysfs root (default /sys/class/powercap)
          --dram               add RAPL dram zones to package energy
        """

    /// The best meter for these options: RAPL when readable, else the modelled backend
    /// (whose report says why RAPL was unavailable).
    static func meter(_ options: Arguments) throws -> any EnergyMeter {
        func number(_ name: String) throws(UsageError) -> Double? {
            guard let text = options.value(name) else { return nil }
            guard let value = Double(text), value.isFinite, value > 0 else {
                throw UsageError("--\(name) must be a positive number, got '\(text)'")
            }
            return value
        }
        var modelled = ModelledMeter.Configuration()
        if let watts = try number("watts-per-core") { modelled.wattsPerCore = watts }
        if let memory = try number("memory-gb") { modelled.memoryGigabytes = memory }
        let pue = try number("pue") ?? ModelledMeter.Configuration.localPUE
        guard pue >= 1 else { throw UsageError("--pue must be >= 1, got \(pue)") }
        modelled.powerUsageEffectiveness = pue
        var carbon = CarbonIntensity.worldAverage
        if let grams = try number("carbon") {
            do {
                carbon = try CarbonIntensity(gramsCO2ePerKilowattHour: grams, label: "--carbon")
            } catch {
                throw UsageError(error.description)
            }
        }
        let rapl = RAPLMeter.Options(
            sysfsRoot: options.value("rapl-root") ?? "/sys/class/powercap", includeDRAM: options.flag("dram"),
            powerUsageEffectiveness: pue)
        return try EnergyMeters.best(rapl: rapl, modelled: modelled, carbonIntensity: carbon)
    }
}
