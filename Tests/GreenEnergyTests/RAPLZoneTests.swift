import GreenEnergy
import Testing

@Suite struct RAPLZoneTests {
    private let zone = RAPLZone(
        identifier: "intel-rapl:0", name: "package-0", domain: .package, directory: "/sys/class/powercap/intel-rapl:0",
        maxEnergyRangeMicrojoules: 262_143_328_850)

    @Test func deltaOfARisingCounterIsTheDifference() {
        #expect(zone.microjoules(from: 1_000, to: 5_500) == 4_500)
        #expect(zone.microjoules(from: 7, to: 7) == 0)
    }

    @Test func deltaOfAFallenCounterAddsTheRange() {
        #expect(zone.microjoules(from: 262_143_000_000, to: 1_000) == 1_000 + 262_143_328_850 - 262_143_000_000)
        #expect(zone.microjoules(from: 262_143_328_850, to: 0) == 0)
    }

    @Test func pathsAndDescriptionComeFromTheZone() {
        #expect(zone.energyPath == "/sys/class/powercap/intel-rapl:0/energy_uj")
        #expect(zone.description == "package-0 (intel-rapl:0)")
        #expect(!zone.isMMIO)
    }
}
