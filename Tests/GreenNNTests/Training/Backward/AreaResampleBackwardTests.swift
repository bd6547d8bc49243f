import Testing

@testable import GreenNN

/// `AreaResample.backward` against central differences (ε 1e-2, tolerance 2e-2), batch 2; at
/// ρ = 1 it is the identity.
@Suite struct AreaResampleBackwardTests {
    @Test(arguments: [Float(0.5), 0.75, 1])
    func backwardMatchesFiniteDifferences(_ scale: Float) throws {
        try GradientCheck.expectGradientsMatch(
            try AreaResample(scale: scale), input: randomTensor([2, 2, 7, 8], seed: 111), "ρ \(scale)")
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try AreaResample(scale: 0.5), input: randomTensor([2, 2, 6, 6], seed: 112))
    }
}
