import Testing

@testable import GreenNN

/// `LowRankLinear.backward` (through `up`, then `down`) against central differences (ε 1e-2,
/// tolerance 2e-2), batch 2.
@Suite struct LowRankLinearBackwardTests {
    @Test(arguments: [true, false])
    func backwardMatchesFiniteDifferences(_ bias: Bool) throws {
        var random = generator(191)
        let layer = try LowRankLinear(6, 5, rank: 2, bias: bias, using: &random)
        try GradientCheck.expectGradientsMatch(layer, input: randomTensor([2, 6], seed: 192), "bias=\(bias)")
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try LowRankLinear(6, 5, rank: 2), input: randomTensor([2, 6], seed: 193))
    }
}
