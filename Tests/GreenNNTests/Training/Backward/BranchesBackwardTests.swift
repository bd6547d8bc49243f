import Testing

@testable import GreenNN

/// `Branches.backward` (the gradient split along channels, each branch run, the input
/// gradients summed) against central differences (ε 1e-2, tolerance 2e-2), batch 2.
@Suite struct BranchesBackwardTests {
    static func branches() throws -> Branches {
        var random = generator(221)
        return try Branches {
            try Conv2d(2, 3, kernelSize: 1, using: &random)
            try Conv2d(2, 2, kernelSize: 3, padding: 1, using: &random)
            try AvgPool2d(kernelSize: 3, stride: 1, padding: 1)
        }
    }

    @Test func backwardMatchesFiniteDifferences() throws {
        try GradientCheck.expectGradientsMatch(try Self.branches(), input: randomTensor([2, 2, 4, 5], seed: 222))
    }

    @Test func rejectsAGradientWithOtherChannels() throws {
        let branches = try Self.branches()
        branches.train()
        _ = try branches.forward(randomTensor([2, 2, 4, 5], seed: 223))
        expectLayerError(["Branches", "split", "sizes [3, 2, 2]", "sum to 5"]) {
            _ = try branches.backward(randomTensor([2, 5, 4, 5], seed: 224))
        }
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try Self.branches(), input: randomTensor([2, 2, 4, 5], seed: 225))
    }
}
