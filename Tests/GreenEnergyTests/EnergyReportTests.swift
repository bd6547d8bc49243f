import GreenEnergy
import Testing

@Suite struct EnergyReportTests {
    private let report = EnergyReport(
        wallSeconds: 10, cpuSeconds: 20, joules: 360, carbonIntensity: .worldAverage,
        source: .modelled(
            ModelledPower(
                cores: 2, wattsPerCore: 12, usage: 1, memoryGigabytes: 32, wattsPerGigabyte: 0.375,
                powerUsageEffectiveness: 1),
            raplUnavailable: nil))

    @Test func derivedQuantitiesFollowFromJoulesAndTime() {
        #expect(report.averageWatts == 36)
        expectClose(report.kilowattHours, 1e-4)
        expectClose(report.gramsCO2e, 0.0475)
    }

    @Test func perItemHelpersDivideByTheCount() throws {
        expectClose(try report.joulesPer(100), 3.6)
        expectClose(try report.gramsCO2ePer(100), 0.000475)
        expectClose(try report.gramsCO2ePerThousand(100), 0.475)
    }

    @Test func perItemHelpersRejectCountsBelowOne() {
        expectEnergyError(["EnergyReport.joulesPer", "item count must be positive, got 0"]) {
            _ = try report.joulesPer(0)
        }
        expectEnergyError(["EnergyReport.gramsCO2ePer", "got -3"]) { _ = try report.gramsCO2ePer(-3) }
        expectEnergyError(["EnergyReport.gramsCO2ePerThousand"]) { _ = try report.gramsCO2ePerThousand(0) }
    }

    @Test func spanOfNoTimeHasNoAveragePower() {
        let empty = EnergyReport(
            wallSeconds: 0, cpuSeconds: 0, joules: 0, carbonIntensity: .worldAverage, source: report.source)
        #expect(empty.averageWatts == 0)
    }

    @Test func descriptionGivesEveryUnitAndTheSource() {
        #expect(
            report.description
                == "wall 10.0 s, CPU 20.0 s, 360.0 J, 36.0 W average, 0.0475 gCO2e at 475.0 gCO2e/kWh "
                + "(world average, IEA 2019); source: modelled: Green Algorithms (2 cores × 12.0 W/core × usage 1.0 "
                + "+ 32.0 GB × 0.375 W/GB) × PUE 1.0")
    }
}
