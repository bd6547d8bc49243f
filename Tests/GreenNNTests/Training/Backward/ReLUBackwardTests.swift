import Testing

@testable import GreenNN

/// `ReLU.backward` against central differences (ε 1e-2, tolerance 2e-2) on inputs at least
/// 0.025 from the kink, batch 2.
@Suite struct ReLUBackwardTests {
    @Test func backwardMatchesFiniteDifferences() throws {
        try GradientCheck.expectGradientsMatch(ReLU(), input: separatedTensor([2, 3, 4, 3], seed: 51))
    }

    @Test func gradientPassesExactlyWhereTheOutputIsPositive() throws {
        let relu = ReLU()
        relu.train()
        let input = try Tensor(shape: [2, 3], scalars: [-1, 0, 2, 3, -0.5, 0.25])
        _ = try relu.forward(input)
        #expect(try relu.backward(Tensor.ones([2, 3])).scalars == [0, 0, 1, 1, 0, 1])
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(ReLU(), input: randomTensor([2, 5], seed: 52))
    }
}
