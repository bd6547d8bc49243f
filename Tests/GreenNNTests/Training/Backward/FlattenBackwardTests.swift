import Testing

@testable import GreenNN

/// `Flatten.backward`: the gradient viewed with the input's shape, checked against central
/// differences (ε 1e-2, tolerance 2e-2), batch 2.
@Suite struct FlattenBackwardTests {
    @Test func backwardMatchesFiniteDifferences() throws {
        try GradientCheck.expectGradientsMatch(Flatten(), input: randomTensor([2, 3, 2, 2], seed: 121))
    }

    @Test func rejectsAGradientOfAnotherShape() throws {
        let flatten = Flatten()
        flatten.train()
        _ = try flatten.forward(randomTensor([2, 3, 2, 2], seed: 122))
        expectLayerError(["Flatten", "output gradient must be [2, 12], got [4, 6]"]) {
            _ = try flatten.backward(randomTensor([4, 6], seed: 123))
        }
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(Flatten(), input: randomTensor([2, 3, 2, 2], seed: 124))
    }
}
