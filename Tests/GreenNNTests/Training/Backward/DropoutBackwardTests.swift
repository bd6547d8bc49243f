import Testing

@testable import GreenNN

/// `Dropout.backward`: the gradient times the forward pass's seeded mask. Checked against
/// central differences (ε 1e-2, tolerance 2e-2) of a fresh layer with the same seed, which
/// draws the same mask; batch 2.
@Suite struct DropoutBackwardTests {
    @Test(arguments: [Float(0), 0.3, 0.5])
    func backwardMatchesFiniteDifferences(_ probability: Float) throws {
        func fresh() throws -> Dropout {
            let layer = try Dropout(probability: probability, seed: 131)
            layer.train()
            return layer
        }
        try GradientCheck.expectGradientsMatch(
            try fresh(), input: randomTensor([2, 3, 4, 4], seed: 132), "p \(probability)",
            evaluate: { try fresh().forward($0) })
    }

    @Test func gradientIsZeroExactlyWhereTheOutputWasDropped() throws {
        let dropout = try Dropout(probability: 0.5, seed: 133)
        dropout.train()
        let input = randomTensor([2, 50], seed: 134, in: 1..<2)
        let output = try dropout.forward(input).scalars
        let gradient = try dropout.backward(Tensor.ones([2, 50])).scalars
        for (y, g) in zip(output, gradient) { #expect((y == 0) == (g == 0) && (g == 0 || g == 2)) }
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try Dropout(probability: 0.5), input: randomTensor([2, 5], seed: 135))
    }
}
