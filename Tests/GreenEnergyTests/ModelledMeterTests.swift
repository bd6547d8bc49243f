import Foundation
import GreenEnergy
import Testing

/// ModelledMeter's arithmetic against hand-computed values, with a scripted clock.
@Suite struct ModelledMeterTests {
    private let twoCores = ModelledMeter.Configuration(
        cores: 2, wattsPerCore: 12, memoryGigabytes: 24, wattsPerGigabyte: 0.3725, powerUsageEffectiveness: 1.2)

    @Test func energyMatchesHandComputedGreenAlgorithmsFormula() throws {
        // usage = 10 s CPU / (10 s × 2 cores) = 0.5
        // watts = (2 × 12 × 0.5 + 24 × 0.3725) × 1.2 = (12 + 8.94) × 1.2 = 25.128
        // joules = 25.128 W × 10 s = 251.28
        let meter = try ModelledMeter(configuration: twoCores, clock: ScriptedClock(wallSeconds: 10, cpuSeconds: 10))
        let report = meter.stop(meter.start())
        guard case let .modelled(power, raplUnavailable) = report.source else {
            Issue.record("expected a modelled source, got \(report.source)")
            return
        }
        #expect(raplUnavailable == nil)
        #expect(power.usage == 0.5)
        expectClose(power.coreWatts, 12)
        expectClose(power.memoryWatts, 8.94)
        expectClose(power.watts, 25.128)
        expectClose(report.joules, 251.28)
        expectClose(report.averageWatts, 25.128)
        #expect(report.wallSeconds == 10 && report.cpuSeconds == 10)
        #expect(!report.source.isMeasured)
        #expect(
            report.source.description
                == "modelled: Green Algorithms (2 cores × 12.0 W/core × usage 0.5 + 24.0 GB × 0.3725 W/GB) × PUE 1.2")
    }

    @Test func usageIsClampedToOne() throws {
        let meter = try ModelledMeter(configuration: twoCores, clock: ScriptedClock(wallSeconds: 10, cpuSeconds: 35))
        #expect(meter.power(wallSeconds: 10, cpuSeconds: 35).usage == 1)
        expectClose(meter.stop(meter.start()).joules, (2 * 12 + 24 * 0.3725) * 1.2 * 10)
    }

    @Test func spanOfNoTimeUsesNoEnergy() throws {
        let meter = try ModelledMeter(configuration: twoCores, clock: ScriptedClock(wallSeconds: 0, cpuSeconds: 0))
        let report = meter.stop(meter.start())
        #expect(report.joules == 0 && report.averageWatts == 0)
        #expect(meter.power(wallSeconds: 0, cpuSeconds: 0).usage == 0)
    }

    @Test func measureReturnsTheResultAndTheSpansReport() throws {
        let meter = try ModelledMeter(configuration: twoCores, clock: ScriptedClock(wallSeconds: 10, cpuSeconds: 10))
        let (result, report) = try meter.measure { 6 * 7 }
        #expect(result == 42)
        expectClose(report.joules, 251.28)
    }

    @Test func checkpointLeavesTheSpanAsItIs() throws {
        let meter = try ModelledMeter(configuration: twoCores, clock: ScriptedClock(wallSeconds: 10, cpuSeconds: 10))
        var span = meter.start()
        let before = span
        meter.checkpoint(&span)
        #expect(span == before)
    }

    @Test func defaultsAreGreenAlgorithmsConstantsAndThisMachine() {
        let configuration = ModelledMeter.Configuration()
        #expect(configuration.cores == ProcessInfo.processInfo.activeProcessorCount)
        #expect(configuration.wattsPerCore == 12)
        #expect(configuration.memoryGigabytes == Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824)
        #expect(configuration.wattsPerGigabyte == 0.3725)
        #expect(configuration.powerUsageEffectiveness == 1.0)
        #expect(ModelledMeter.Configuration.greenAlgorithmsUnknownPUE == 1.56)
        #expect(ModelledMeter.Configuration.carbontrackerPUE == 1.58)
    }

    @Test func fallbackReasonIsQuotedInEverySource() throws {
        let meter = try ModelledMeter(
            configuration: twoCores, raplUnavailable: .missing(path: "/sys/class/powercap"),
            clock: ScriptedClock(wallSeconds: 10, cpuSeconds: 10))
        let reason = "; RAPL unavailable: /sys/class/powercap does not exist"
        #expect(meter.stop(meter.start()).source.description.hasSuffix(reason))
        #expect(meter.description.hasSuffix(reason))
    }

    struct InvalidCase: CustomStringConvertible, Sendable {
        let configuration: ModelledMeter.Configuration
        let fragment: String
        var description: String { "\(fragment)" }
    }

    @Test(arguments: [
        InvalidCase(configuration: .init(cores: 0), fragment: "cores must be at least 1, got 0"),
        InvalidCase(
            configuration: .init(wattsPerCore: -1), fragment: "wattsPerCore must be finite and non-negative, got -1"),
        InvalidCase(configuration: .init(memoryGigabytes: .nan), fragment: "memoryGigabytes must be finite"),
        InvalidCase(configuration: .init(wattsPerGigabyte: .infinity), fragment: "wattsPerGigabyte must be finite"),
        InvalidCase(
            configuration: .init(powerUsageEffectiveness: 0.5),
            fragment: "powerUsageEffectiveness must be finite and at least 1, got 0.5"),
    ])
    func rejectsConfigurationOutOfRange(_ invalid: InvalidCase) {
        expectEnergyError(["ModelledMeter: ", invalid.fragment]) {
            _ = try ModelledMeter(configuration: invalid.configuration)
        }
    }
}
