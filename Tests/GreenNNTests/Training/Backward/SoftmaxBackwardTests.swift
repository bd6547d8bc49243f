import Testing

@testable import GreenNN

/// `Softmax.backward` against central differences (ε 1e-2, tolerance 2e-2), batch 2, for
/// `[N, K]` and `[N, K, H, W]` inputs (softmax along axis 1).
@Suite struct SoftmaxBackwardTests {
    @Test(arguments: [Shape([2, 5]), Shape([2, 4, 2, 3])])
    func backwardMatchesFiniteDifferences(_ shape: Shape) throws {
        try GradientCheck.expectGradientsMatch(Softmax(), input: randomTensor(shape, seed: 141, in: -2..<2), "\(shape)")
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(Softmax(), input: randomTensor([2, 5], seed: 142))
    }
}
