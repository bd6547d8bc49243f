import Foundation
import Testing

@testable import GreenNN

/// `Adam`: the first steps by hand (bias correction makes step 1 move each weight by about
/// the learning rate), the synthetic regression solved to a mean squared error below 1e-4,
/// coupled weight decay, and its argument checks.
@Suite struct AdamTests {
    @Test func firstStepMovesByTheLearningRate() throws {
        let parameter = Parameter(try Tensor(shape: [3], scalars: [1, 1, 1]))
        parameter.gradient = try Tensor(shape: [3], scalars: [0.5, -2, 1e-3])
        let optimizer = try Adam(learningRate: 0.01)
        try optimizer.update([parameter])
        // m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε) ≈ lr·sign(g).
        let expected: [Float] = [0.99, 1.01, 1 - 0.01 * 1e-3 / (1e-3 + 1e-8)]
        #expect(zip(parameter.value.scalars, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(optimizer.states.state(for: parameter)?.step == 1)
    }

    @Test func secondStepMatchesTheFormula() throws {
        let parameter = Parameter(try Tensor(shape: [1], scalars: [0]))
        let optimizer = try Adam(learningRate: 0.1, weightDecay: 0.5)
        for gradient: Float in [1, 3] {
            parameter.gradient = try Tensor(shape: [1], scalars: [gradient])
            try optimizer.update([parameter])
        }
        // Step 1: g = 1 (p = 0), p = −0.1. Step 2: g = 3 + 0.5·(−0.1) = 2.95.
        let g1 = 1.0, g2 = 2.95
        let m = 0.9 * 0.1 * g1 + 0.1 * g2, v = 0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2
        let expected = -0.1 - 0.1 / (1 - 0.81) * m / ((v / (1 - 0.998001)).squareRoot() + 1e-8)
        #expect(abs(Double(parameter.value.scalars[0]) - expected) < 1e-5)
    }

    @Test func solvesTheSyntheticRegression() throws {
        let (loss, _) = try SyntheticRegression().solve(with: try Adam(learningRate: 0.05), steps: 400)
        #expect(loss < 1e-4, "loss \(loss)")
    }

    @Test func rejectsArgumentsOutsideTheirRanges() {
        #expect(throws: TrainingError.invalidArgument("Adam: beta2 must be in [0, 1), got 1.0")) {
            _ = try Adam(beta2: 1)
        }
        #expect(throws: TrainingError.invalidArgument("Adam: epsilon must be in (0, ∞), got 0.0")) {
            _ = try Adam(epsilon: 0)
        }
    }
}
