import GreenEnergy
import Testing

@Suite struct EnergyMetersTests {
    @Test func picksRAPLWhenAPackageCounterIsReadable() throws {
        let fixture = try PowercapFixture.laptop()
        let meter = try EnergyMeters.best(rapl: .init(sysfsRoot: fixture.root))
        #expect(meter is RAPLMeter)
    }

    @Test func fallsBackToTheModelWithTheReasonWhenTheTreeIsAbsent() throws {
        let fixture = try PowercapFixture([])
        let root = fixture.root + "/absent"
        let meter = try EnergyMeters.best(
            rapl: .init(sysfsRoot: root), modelled: .init(cores: 2, memoryGigabytes: 24),
            clock: ScriptedClock(wallSeconds: 10, cpuSeconds: 19.6))
        let modelled = try #require(meter as? ModelledMeter)
        #expect(modelled.raplUnavailable == .missing(path: root))
        let report = try meter.stop(meter.start())
        #expect(
            report.source.description
                == "modelled: Green Algorithms (2 cores × 12.0 W/core × usage 0.98 + 24.0 GB × 0.3725 W/GB) × PUE 1.0; "
                + "RAPL unavailable: \(root) does not exist")
    }

    @Test func fallsBackWithTheFileAndReasonWhenTheCounterIsUnreadable() throws {
        let fixture = try PowercapFixture.laptop()
        try fixture.replaceWithDirectory("intel-rapl:0/energy_uj")
        let meter = try EnergyMeters.best(rapl: .init(sysfsRoot: fixture.root))
        let reason = "RAPL unavailable: cannot read \(fixture.root)/intel-rapl:0/energy_uj: is a directory"
        #expect(meter.description.hasSuffix(reason))
    }

    @Test func invalidSettingsAreErrorsNotFallbacks() throws {
        let fixture = try PowercapFixture.laptop()
        expectEnergyError(["RAPLMeter", "powerUsageEffectiveness"]) {
            _ = try EnergyMeters.best(rapl: .init(sysfsRoot: fixture.root, powerUsageEffectiveness: 0))
        }
        expectEnergyError(["ModelledMeter", "cores must be at least 1"]) {
            _ = try EnergyMeters.best(rapl: .init(sysfsRoot: fixture.root + "/absent"), modelled: .init(cores: 0))
        }
    }
}
