import Glibc
import Testing

@testable import GreenEnergy

/// RAPLMeter against powercap trees written by each test, with a scripted clock.
@Suite struct RAPLMeterTests {
    typealias Zone = PowercapFixture.Zone

    private func meter(_ fixture: PowercapFixture, includeDRAM: Bool = false, pue: Double = 1.0) throws -> RAPLMeter {
        try RAPLMeter(
            options: .init(sysfsRoot: fixture.root, includeDRAM: includeDRAM, powerUsageEffectiveness: pue),
            clock: ScriptedClock(wallSeconds: 2, cpuSeconds: 1))
    }

    /// Advances every zone of `PowercapFixture.laptop()`: package by 3 J, core 1 J, uncore
    /// 0.1 J, dram 0.5 J, psys 9 J.
    private func advanceLaptop(_ fixture: PowercapFixture) throws {
        try fixture.setEnergy("intel-rapl:0", 4_000_000)
        try fixture.setEnergy("intel-rapl:0:0", 1_500_000)
        try fixture.setEnergy("intel-rapl:0:1", 140_000)
        try fixture.setEnergy("intel-rapl:0:2", 800_000)
        try fixture.setEnergy("intel-rapl:1", 18_000_000)
    }

    @Test func sumsOnlyPackageZonesByDefault() throws {
        let fixture = try PowercapFixture.laptop()
        let meter = try meter(fixture)
        #expect(meter.zones.map(\.name) == ["package-0"])
        let span = try meter.start()
        try advanceLaptop(fixture)
        let report = try meter.stop(span)
        expectClose(report.joules, 3)
        expectClose(report.averageWatts, 1.5)
        #expect(report.wallSeconds == 2 && report.cpuSeconds == 1)
        #expect(report.source.isMeasured)
        #expect(report.source.description == "RAPL package-0 (intel-rapl:0), PUE 1.0")
    }

    @Test func addsDRAMOnlyWhenAsked() throws {
        let fixture = try PowercapFixture.laptop()
        let meter = try meter(fixture, includeDRAM: true)
        #expect(meter.zones.map(\.domain) == [.package, .dram])
        let span = try meter.start()
        try advanceLaptop(fixture)
        let report = try meter.stop(span)
        expectClose(report.joules, 3.5)
        #expect(report.source.description == "RAPL package-0 (intel-rapl:0) + dram (intel-rapl:0:2), PUE 1.0")
    }

    @Test func findsZonesByNameNotByIndex() throws {
        let fixture = try PowercapFixture([
            Zone(identifier: "intel-rapl:0", name: "psys", energyMicrojoules: 0),
            Zone(identifier: "intel-rapl:1", name: "package-0", energyMicrojoules: 0),
            Zone(identifier: "intel-rapl:1:0", name: "core", energyMicrojoules: 0),
        ])
        #expect(try meter(fixture).zones.map(\.identifier) == ["intel-rapl:1"])
    }

    @Test func sumsEveryPackageAndDie() throws {
        let fixture = try PowercapFixture([
            Zone(identifier: "intel-rapl:0", name: "package-0-die-0", energyMicrojoules: 0),
            Zone(identifier: "intel-rapl:1", name: "package-0-die-1", energyMicrojoules: 0),
            Zone(identifier: "intel-rapl:2", name: "package-1-die-0", energyMicrojoules: 0),
        ])
        let meter = try meter(fixture)
        let span = try meter.start()
        try fixture.setEnergy("intel-rapl:0", 1_000_000)
        try fixture.setEnergy("intel-rapl:1", 2_000_000)
        try fixture.setEnergy("intel-rapl:2", 4_000_000)
        expectClose(try meter.stop(span).joules, 7)
    }

    @Test func correctsWrapAroundWithEachZonesOwnRange() throws {
        let fixture = try PowercapFixture([
            Zone(
                identifier: "intel-rapl:0", name: "package-0", energyMicrojoules: 900_000,
                maxEnergyRangeMicrojoules: 1_000_000),
            Zone(
                identifier: "intel-rapl:1", name: "package-1", energyMicrojoules: 4_900_000,
                maxEnergyRangeMicrojoules: 5_000_000),
        ])
        let meter = try meter(fixture)
        #expect(meter.zones.map(\.maxEnergyRangeMicrojoules) == [1_000_000, 5_000_000])
        let span = try meter.start()
        try fixture.setEnergy("intel-rapl:0", 100_000)  // fell: 100,000 + 1,000,000 - 900,000
        try fixture.setEnergy("intel-rapl:1", 50_000)  // fell: 50,000 + 5,000,000 - 4,900,000
        expectClose(try meter.stop(span).joules, 0.35)
    }

    @Test func checkpointsCountEveryWrapOfALongSpan() throws {
        let fixture = try PowercapFixture([
            Zone(
                identifier: "intel-rapl:0", name: "package-0", energyMicrojoules: 0,
                maxEnergyRangeMicrojoules: 1_000_000)
        ])
        let meter = try meter(fixture)
        var span = try meter.start()
        try fixture.setEnergy("intel-rapl:0", 600_000)
        try meter.checkpoint(&span)  // +600,000
        try fixture.setEnergy("intel-rapl:0", 200_000)
        try meter.checkpoint(&span)  // wrapped: +600,000
        try fixture.setEnergy("intel-rapl:0", 900_000)  // +700,000 at stop
        expectClose(try meter.stop(span).joules, 1.9)
    }

    @Test func mmioDuplicateOfAPackageIsCountedOnce() throws {
        let fixture = try PowercapFixture([
            Zone(identifier: "intel-rapl-mmio:0", name: "package-0", energyMicrojoules: 0),
            Zone(identifier: "intel-rapl:0", name: "package-0", energyMicrojoules: 0),
        ])
        let meter = try meter(fixture)
        #expect(meter.zones.map(\.identifier) == ["intel-rapl:0"])
        let span = try meter.start()
        try fixture.setEnergy("intel-rapl:0", 2_000_000)
        try fixture.setEnergy("intel-rapl-mmio:0", 2_000_000)
        expectClose(try meter.stop(span).joules, 2)
    }

    @Test func mmioZoneIsUsedWhenItIsTheOnlyPackage() throws {
        let fixture = try PowercapFixture([
            Zone(identifier: "intel-rapl-mmio:0", name: "package-0", energyMicrojoules: 0)
        ])
        let meter = try meter(fixture)
        #expect(meter.zones.map(\.isMMIO) == [true])
    }

    @Test func multipliesByPowerUsageEffectiveness() throws {
        let fixture = try PowercapFixture.laptop()
        let meter = try meter(fixture, pue: 1.5)
        let span = try meter.start()
        try advanceLaptop(fixture)
        let report = try meter.stop(span)
        expectClose(report.joules, 4.5)
        #expect(report.source.description.hasSuffix("PUE 1.5"))
    }

    @Test func rejectsPowerUsageEffectivenessBelowOne() throws {
        let fixture = try PowercapFixture.laptop()
        expectEnergyError(["RAPLMeter", "powerUsageEffectiveness", "at least 1", "got 0.9"]) {
            _ = try meter(fixture, pue: 0.9)
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root reads files of mode 000"))
    func rootOnlyCounterIsPermissionDenied() throws {
        let fixture = try PowercapFixture.laptop()
        try fixture.setPermissions(0o000, of: "intel-rapl:0/energy_uj")
        let path = "\(fixture.root)/intel-rapl:0/energy_uj"
        expectEnergyError(["RAPL unavailable: permission denied reading \(path)", "chmod"]) {
            _ = try meter(fixture)
        }
    }

    @Test func accessErrorsReadAsPermissionDenied() {
        #expect(SysfsFile.error(EACCES, path: "/p/energy_uj") == .permissionDenied(path: "/p/energy_uj"))
        #expect(SysfsFile.error(EPERM, path: "/p/energy_uj") == .permissionDenied(path: "/p/energy_uj"))
        #expect(SysfsFile.error(ENOENT, path: "/p") == .missing(path: "/p"))
        #expect(
            EnergyError.permissionDenied(path: "/sys/class/powercap/intel-rapl:0/energy_uj").description.hasPrefix(
                "RAPL unavailable: permission denied reading /sys/class/powercap/intel-rapl:0/energy_uj"))
    }

    @Test func counterThatIsADirectoryIsUnavailable() throws {
        let fixture = try PowercapFixture.laptop()
        try fixture.replaceWithDirectory("intel-rapl:0/energy_uj")
        expectEnergyError(["RAPL unavailable: cannot read \(fixture.root)/intel-rapl:0/energy_uj: is a directory"]) {
            _ = try meter(fixture)
        }
    }

    @Test func counterHoldingGarbageIsUnavailable() throws {
        let fixture = try PowercapFixture.laptop()
        try fixture.write("n/a\n", to: "intel-rapl:0/energy_uj")
        let path = "\(fixture.root)/intel-rapl:0/energy_uj"
        expectEnergyError([path, "expected a whole number of microjoules, got \"n/a\""]) {
            _ = try meter(fixture)
        }
    }

    @Test func readingAboveTheRangeIsUnavailable() throws {
        let fixture = try PowercapFixture([
            Zone(
                identifier: "intel-rapl:0", name: "package-0", energyMicrojoules: 2_000,
                maxEnergyRangeMicrojoules: 1_000)
        ])
        expectEnergyError(["intel-rapl:0/energy_uj", "reading 2000 exceeds max_energy_range_uj 1000"]) {
            _ = try meter(fixture)
        }
    }

    @Test func zeroRangeIsUnavailable() throws {
        let fixture = try PowercapFixture([
            Zone(identifier: "intel-rapl:0", name: "package-0", energyMicrojoules: 0, maxEnergyRangeMicrojoules: 0)
        ])
        expectEnergyError(["intel-rapl:0/max_energy_range_uj", "range is 0"]) { _ = try meter(fixture) }
    }

    @Test func missingTreeIsUnavailable() throws {
        let fixture = try PowercapFixture([])
        let root = fixture.root + "/absent"
        expectEnergyError(["RAPL unavailable: \(root) does not exist"]) {
            _ = try RAPLMeter(options: .init(sysfsRoot: root))
        }
    }

    @Test func treeWithoutPackageZoneIsUnavailable() throws {
        let fixture = try PowercapFixture([
            Zone(identifier: "intel-rapl:0", name: "psys", energyMicrojoules: 0),
            Zone(identifier: "intel-rapl:0:0", name: "core", energyMicrojoules: 0),
        ])
        let found = "found: psys (intel-rapl:0), core (intel-rapl:0:0)"
        expectEnergyError(["no zone named package-N under \(fixture.root)", found]) {
            _ = try meter(fixture)
        }
        let empty = try PowercapFixture([])
        expectEnergyError(["no intel-rapl zones at all"]) { _ = try meter(empty) }
    }

    @Test func counterLostDuringASpanFailsTheStop() throws {
        let fixture = try PowercapFixture.laptop()
        let meter = try meter(fixture)
        let span = try meter.start()
        try fixture.write("", to: "intel-rapl:0/energy_uj")
        expectEnergyError(["intel-rapl:0/energy_uj", "got \"\""]) { _ = try meter.stop(span) }
    }

    @Test func spanOfAnotherMeterIsRejected() throws {
        let fixture = try PowercapFixture.laptop()
        let meter = try meter(fixture)
        let modelled = try ModelledMeter(clock: ScriptedClock(wallSeconds: 1, cpuSeconds: 1))
        let zones = "expected zones [\(fixture.root)/intel-rapl:0]"
        expectEnergyError(["RAPLMeter: the span was started by another meter", zones, "got []"]) {
            _ = try meter.stop(modelled.start())
        }
    }

    @Test func descriptionNamesZonesRootAndPUE() throws {
        let fixture = try PowercapFixture.laptop()
        #expect(try meter(fixture).description == "RAPL package-0 (intel-rapl:0) under \(fixture.root), PUE 1.0")
    }
}
