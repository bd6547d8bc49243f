import Testing

@testable import GreenNN

/// `StepDecay`: the rate drops by the factor at each step boundary, and its argument checks.
@Suite struct StepDecayTests {
    @Test func ratesDropAtEachBoundary() throws {
        let schedule = try StepDecay(initial: 0.1, stepEpochs: 2, factor: 0.5)
        let rates = [0, 1.99, 2, 3.5, 4, 6].map { schedule.learningRate(atEpoch: $0) }
        #expect(rates == [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125])
    }

    @Test func rejectsArgumentsOutsideTheirRanges() {
        #expect(throws: TrainingError.invalidArgument("StepDecay: stepEpochs must be >= 1, got 0")) {
            _ = try StepDecay(initial: 0.1, stepEpochs: 0)
        }
        #expect(throws: TrainingError.invalidArgument("StepDecay: factor must be in (0, 1], got 2.0")) {
            _ = try StepDecay(initial: 0.1, stepEpochs: 1, factor: 2)
        }
    }
}
