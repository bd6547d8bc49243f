import Testing

@testable import GreenNN

/// `ShrinkedConv2d.backward` (area resampling, then the inner conv) against central
/// differences (ε 1e-2, tolerance 2e-2), batch 2, for both inner convolutions.
@Suite struct ShrinkedConv2dBackwardTests {
    @Test(arguments: [(ShrinkedConv2d.Convolution.standard, Float(1)), (.standard, 0.75), (.depthwiseSeparable, 0.5)])
    func backwardMatchesFiniteDifferences(_ c: (convolution: ShrinkedConv2d.Convolution, resolution: Float)) throws {
        var random = generator(181)
        let block = try ShrinkedConv2d(
            6, 4, kernelSize: 3, padding: 1, width: 0.5, resolution: c.resolution, convolution: c.convolution,
            using: &random)
        try GradientCheck.expectGradientsMatch(block, input: randomTensor([2, 3, 8, 7], seed: 182), "\(c)")
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try ShrinkedConv2d(6, 4, kernelSize: 3, padding: 1, width: 0.5, resolution: 0.5),
            input: randomTensor([2, 3, 8, 8], seed: 183))
    }
}
