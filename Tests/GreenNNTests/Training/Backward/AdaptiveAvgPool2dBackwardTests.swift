import Testing

@testable import GreenNN

/// `AdaptiveAvgPool2d.backward` against central differences (ε 1e-2, tolerance 2e-2), batch 2,
/// with overlapping windows (7 → 3, 5 → 3) and plain ones (6 → 2).
@Suite struct AdaptiveAvgPool2dBackwardTests {
    @Test(arguments: [(Size2D(height: 3, width: 3), 7, 5), (Size2D(2), 6, 6), (Size2D(height: 1, width: 4), 5, 9)])
    func backwardMatchesFiniteDifferences(_ c: (output: Size2D, height: Int, width: Int)) throws {
        try GradientCheck.expectGradientsMatch(
            try AdaptiveAvgPool2d(outputSize: c.output), input: randomTensor([2, 2, c.height, c.width], seed: 101),
            "\(c)")
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try AdaptiveAvgPool2d(outputSize: 2), input: randomTensor([2, 2, 5, 5], seed: 102))
    }
}
