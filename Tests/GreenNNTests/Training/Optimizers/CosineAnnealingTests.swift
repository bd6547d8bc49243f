import Testing

@testable import GreenNN

/// `CosineAnnealing`: the half cosine from the initial rate to the minimum, flat afterwards,
/// and its argument checks. Tolerance 1e-7.
@Suite struct CosineAnnealingTests {
    @Test func followsTheHalfCosine() throws {
        let schedule = try CosineAnnealing(initial: 0.1, minimum: 0.02, epochs: 4)
        let expected: [(Double, Float)] = [(0, 0.1), (1, 0.02 + 0.08 * 0.853553), (2, 0.06), (4, 0.02), (9, 0.02)]
        for (epoch, rate) in expected {
            #expect(abs(schedule.learningRate(atEpoch: epoch) - rate) < 1e-7, "epoch \(epoch)")
        }
    }

    @Test func rejectsArgumentsOutsideTheirRanges() {
        #expect(throws: TrainingError.invalidArgument("CosineAnnealing: epochs must be > 0, got 0.0")) {
            _ = try CosineAnnealing(initial: 0.1, epochs: 0)
        }
        #expect(throws: TrainingError.invalidArgument("CosineAnnealing: minimum must be in [0, initial], got 0.5")) {
            _ = try CosineAnnealing(initial: 0.1, minimum: 0.5, epochs: 3)
        }
    }
}
