import Testing

@testable import GreenNN

/// `GlobalAvgPool2d.backward` against central differences (ε 1e-2, tolerance 2e-2), batch 2.
@Suite struct GlobalAvgPool2dBackwardTests {
    @Test func backwardMatchesFiniteDifferences() throws {
        try GradientCheck.expectGradientsMatch(GlobalAvgPool2d(), input: randomTensor([2, 3, 4, 5], seed: 91))
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            GlobalAvgPool2d(), input: randomTensor([2, 2, 3, 3], seed: 92))
    }
}
