import Testing

@testable import GreenNN

/// `Conv2d.backward` against central differences (GradientCheck's ε 1e-2, tolerance 2e-2),
/// on small batch-2 cases of the forward sweep: padding, stride, dilation, groups, no bias,
/// the 1x1 GEMM path and a rectangular kernel.
@Suite struct Conv2dBackwardTests {
    static let cases: [Conv2dCase] = [
        Conv2dCase(batch: 2, channels: 2, outputChannels: 3, height: 5, width: 6),
        Conv2dCase(batch: 2, channels: 2, outputChannels: 3, height: 5, width: 6, padding: 1),
        Conv2dCase(batch: 2, channels: 2, outputChannels: 2, height: 7, width: 6, stride: 2, padding: 2, dilation: 2),
        Conv2dCase(batch: 2, channels: 4, outputChannels: 2, height: 5, width: 5, padding: 1, groups: 2, bias: false),
        Conv2dCase(batch: 2, channels: 3, outputChannels: 4, height: 4, width: 5, kernel: 1),
        Conv2dCase(
            batch: 2, channels: 2, outputChannels: 2, height: 6, width: 7, kernel: Size2D(height: 3, width: 1),
            stride: Size2D(height: 2, width: 1), padding: Size2D(height: 1, width: 0)),
    ]

    @Test(arguments: cases)
    func backwardMatchesFiniteDifferences(_ c: Conv2dCase) throws {
        let conv = try c.makeLayer()
        try GradientCheck.expectGradientsMatch(
            conv, input: randomTensor([c.batch, c.channels, c.height, c.width], seed: 3), "\(c)")
    }

    @Test func backwardParametersMatchesBackward() throws {
        let c = Self.cases[1]
        let (first, second) = (try c.makeLayer(), try c.makeLayer())
        let input = randomTensor([c.batch, c.channels, c.height, c.width], seed: 4)
        for conv in [first, second] { conv.train() }
        let gradient = randomTensor(try first.forward(input).shape, seed: 5)
        _ = try second.forward(input)
        _ = try first.backward(gradient)
        try second.backwardParameters(gradient)
        expectClose(second.weight.gradient, first.weight.gradient, tolerance: 1e-6, "weight")
        expectClose(second.bias!.gradient, first.bias!.gradient, tolerance: 1e-6, "bias")
    }

    @Test func gradientsAccumulateOverBackwardPasses() throws {
        let conv = try Self.cases[0].makeLayer()
        conv.train()
        let input = randomTensor([2, 2, 5, 6], seed: 6)
        let gradient = randomTensor(try conv.forward(input).shape, seed: 7)
        _ = try conv.backward(gradient)
        let once = conv.weight.gradient
        _ = try conv.forward(input)
        _ = try conv.backward(gradient)
        expectClose(conv.weight.gradient, once * 2, tolerance: 1e-6, "twice the gradient")
        conv.zeroGradients()
        #expect(
            conv.weight.gradient.scalars.allSatisfy { $0 == 0 } && conv.bias!.gradient.scalars.allSatisfy { $0 == 0 })
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try Self.cases[0].makeLayer(), input: randomTensor([2, 2, 5, 6], seed: 8))
    }

    @Test func rejectsAMisShapedGradient() throws {
        let conv = try Self.cases[0].makeLayer()
        conv.train()
        _ = try conv.forward(randomTensor([2, 2, 5, 6], seed: 9))
        expectLayerError(["Conv2d", "conv2dBackward", "output gradient [2, 3, 3, 4]", "[2, 3, 3, 3]"]) {
            _ = try conv.backward(randomTensor([2, 3, 3, 3], seed: 10))
        }
    }
}
