import GreenEnergy
import Testing

/// The real clocks: only monotonicity and progress are checked, so the suite holds on any
/// machine and under parallel tests.
@Suite struct SystemProcessClockTests {
    @Test func busyWorkAdvancesWallAndCPUTime() {
        let clock = SystemProcessClock()
        let first = clock.sample()
        var latest = first
        var accumulator: UInt64 = 1
        while latest.cpuSeconds - first.cpuSeconds < 0.005 && latest.wallSeconds - first.wallSeconds < 5 {
            for step in 0..<100_000 { accumulator = accumulator &* 6_364_136_223_846_793_005 &+ UInt64(step) }
            latest = clock.sample()
        }
        #expect(accumulator != 0)
        #expect(latest.wallSeconds > first.wallSeconds)
        #expect(latest.cpuSeconds > first.cpuSeconds)
    }
}
