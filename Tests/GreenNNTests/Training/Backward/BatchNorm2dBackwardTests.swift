import Testing

@testable import GreenNN

/// `BatchNorm2d.backward` in training mode (gradients through the batch statistics) against
/// central differences, batch 2. ε 1e-2 with tolerance 3e-2: normalisation is not linear, so
/// the central difference carries an O(ε²) error on top of Float rounding.
@Suite struct BatchNorm2dBackwardTests {
    @Test func backwardMatchesFiniteDifferences() throws {
        let norm = try BatchNorm2d(3)
        var random = generator(41)
        norm.weight.value = try Tensor.uniform([3], in: 0.5..<1.5, using: &random)
        norm.bias.value = try Tensor.uniform([3], in: -0.5..<0.5, using: &random)
        try GradientCheck.expectGradientsMatch(
            norm, input: randomTensor([2, 3, 3, 4], seed: 42, in: -2..<2), tolerance: 3e-2)
    }

    @Test func inputGradientSumsToZeroPerChannel() throws {
        // The mean is subtracted, so shifting a channel changes nothing: Σ dx over a channel is 0.
        let norm = try BatchNorm2d(2)
        norm.train()
        let input = randomTensor([2, 2, 4, 4], seed: 43)
        _ = try norm.forward(input)
        let gradient = try norm.backward(randomTensor(input.shape, seed: 44))
        for (channel, total) in try gradient.sum(alongAxis: 3).sum(alongAxis: 2).sum(alongAxis: 0).scalars.enumerated()
        {
            #expect(abs(total) < 1e-4, "channel \(channel): \(total)")
        }
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try BatchNorm2d(2), input: randomTensor([2, 2, 3, 3], seed: 45))
    }
}
