import GreenEnergy
import Testing

@Suite struct CarbonIntensityTests {
    @Test func oneKilowattHourAtTheWorldAverageIs475Grams() {
        #expect(CarbonIntensity.joulesPerKilowattHour == 3_600_000)
        expectClose(CarbonIntensity.worldAverage.gramsCO2e(joules: 3.6e6), 475)
        expectClose(CarbonIntensity.worldAverage.gramsCO2e(joules: 36), 0.00475)
    }

    @Test func worldAverageSaysWhereItComesFrom() {
        #expect(CarbonIntensity.worldAverage.description == "475.0 gCO2e/kWh (world average, IEA 2019)")
    }

    @Test func userValueReplacesTheDefault() throws {
        let grid = try CarbonIntensity(gramsCO2ePerKilowattHour: 56, label: "France, 2023")
        let meter = try ModelledMeter(
            configuration: .init(cores: 1, wattsPerCore: 100, memoryGigabytes: 0),
            carbonIntensity: grid, clock: ScriptedClock(wallSeconds: 36_000, cpuSeconds: 36_000))
        let report = meter.stop(meter.start())  // 100 W for 10 h = 1 kWh
        expectClose(report.kilowattHours, 1)
        expectClose(report.gramsCO2e, 56)
        #expect(report.carbonIntensity == grid)
    }

    @Test(arguments: [-1.0, .nan, .infinity])
    func rejectsValuesThatAreNotFiniteAndNonNegative(_ grams: Double) {
        expectEnergyError(["CarbonIntensity", "gramsCO2ePerKilowattHour must be finite and non-negative"]) {
            _ = try CarbonIntensity(gramsCO2ePerKilowattHour: grams)
        }
    }
}
