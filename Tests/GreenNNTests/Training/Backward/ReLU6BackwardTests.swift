import Testing

@testable import GreenNN

/// `ReLU6.backward` against central differences (ε 1e-2, tolerance 2e-2) on inputs away from
/// both kinks (0 and 6), batch 2.
@Suite struct ReLU6BackwardTests {
    @Test func backwardMatchesFiniteDifferences() throws {
        try GradientCheck.expectGradientsMatch(
            ReLU6(), input: separatedTensor([2, 3, 4, 4], seed: 61, start: -2.025, step: 0.1))
    }

    @Test func gradientStopsAtBothBounds() throws {
        let relu6 = ReLU6()
        relu6.train()
        _ = try relu6.forward(Tensor(shape: [2, 3], scalars: [-1, 0.5, 5.5, 6, 7, 3]))
        #expect(try relu6.backward(Tensor.ones([2, 3])).scalars == [0, 1, 1, 0, 0, 1])
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(ReLU6(), input: randomTensor([2, 5], seed: 62))
    }
}
