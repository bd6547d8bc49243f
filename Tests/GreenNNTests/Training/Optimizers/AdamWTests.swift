import Testing

@testable import GreenNN

/// `AdamW`: the decay is decoupled (it shrinks the weight by lr·wd·p whatever the gradient),
/// the synthetic regression is solved to a mean squared error below 1e-3 with weight decay
/// 0.01 (the decay keeps it off the exact minimum), and its argument checks.
@Suite struct AdamWTests {
    @Test func decayIsDecoupledFromTheGradient() throws {
        let (decayed, plain) = (
            Parameter(try Tensor(shape: [2], scalars: [2, -4])), Parameter(try Tensor(shape: [2], scalars: [2, -4]))
        )
        for parameter in [decayed, plain] { parameter.gradient = try Tensor(shape: [2], scalars: [1, 1]) }
        try AdamW(learningRate: 0.1, weightDecay: 0.5).update([decayed])
        try Adam(learningRate: 0.1).update([plain])
        // AdamW = Adam's step applied to p·(1 − 0.1·0.5).
        #expect(
            zip(decayed.value.scalars, plain.value.scalars).allSatisfy { abs($0 - ($1 - 0.05 * ($1 + 0.1))) < 1e-6 })
    }

    @Test func solvesTheSyntheticRegression() throws {
        let (loss, _) = try SyntheticRegression().solve(with: try AdamW(learningRate: 0.05), steps: 400)
        #expect(loss < 1e-3, "loss \(loss)")
    }

    @Test func rejectsArgumentsOutsideTheirRanges() {
        #expect(throws: TrainingError.invalidArgument("AdamW: weightDecay must be in [0, ∞), got -0.1")) {
            _ = try AdamW(weightDecay: -0.1)
        }
        #expect(throws: TrainingError.invalidArgument("AdamW: beta1 must be in [0, 1), got 1.5")) {
            _ = try AdamW(beta1: 1.5)
        }
    }
}
