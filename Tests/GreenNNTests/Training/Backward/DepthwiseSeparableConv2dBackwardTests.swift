import Testing

@testable import GreenNN

/// `DepthwiseSeparableConv2d.backward` (its chain run in reverse) against central differences
/// (ε 1e-2, tolerance 3e-2 with BatchNorm, 2e-2 without), batch 2. The finite-difference cases
/// leave the activation out: a ±ε step of a weight moves every pre-activation of its channel,
/// and one of them crossing the ReLU kink spoils the difference quotient (ReLU's own backward
/// is checked on inputs kept away from the kink, and with it the block equals its unrolled chain).
@Suite struct DepthwiseSeparableConv2dBackwardTests {
    @Test(arguments: [(false, Activation?.none, 1), (true, nil, 1), (false, nil, 2)])
    func backwardMatchesFiniteDifferences(_ c: (batchNorm: Bool, activation: Activation?, stride: Int)) throws {
        var random = generator(151)
        let block = try DepthwiseSeparableConv2d(
            3, 4, stride: Size2D(c.stride), batchNorm: c.batchNorm, activation: c.activation, using: &random)
        try GradientCheck.expectGradientsMatch(
            block, input: randomTensor([2, 3, 5, 6], seed: 152), tolerance: c.batchNorm ? 3e-2 : 2e-2, "\(c)")
    }

    @Test func backwardParametersSkipsTheInputGradient() throws {
        var random = generator(153)
        let block = try DepthwiseSeparableConv2d(2, 3, batchNorm: true, activation: .relu, using: &random)
        block.train()
        let input = randomTensor([2, 2, 4, 4], seed: 154)
        let gradient = randomTensor(try block.forward(input).shape, seed: 155)
        _ = try block.backward(gradient)
        let expected = block.parameters.map(\.parameter.gradient)
        block.zeroGradients()
        _ = try block.forward(input)
        try block.backwardParameters(gradient)
        for (named, gradient) in zip(block.parameters, expected) {
            expectClose(named.parameter.gradient, gradient, tolerance: 1e-6, named.name)
        }
    }

    @Test func backwardEqualsTheUnrolledChainWithActivations() throws {
        var random = generator(159)
        let block = try DepthwiseSeparableConv2d(2, 3, batchNorm: true, activation: .relu6, using: &random)
        let chain = try Sequential(named: block.children)
        let input = randomTensor([2, 2, 4, 4], seed: 160)
        block.train()
        let output = try block.forward(input)
        let gradient = randomTensor(output.shape, seed: 161)
        let blockGradient = try block.backward(gradient)
        let blockGradients = block.parameters.map(\.parameter.gradient)
        block.zeroGradients()
        chain.train()
        expectClose(try chain.forward(input), output, tolerance: 1e-6, "output")
        expectClose(try chain.backward(gradient), blockGradient, tolerance: 1e-6, "input gradient")
        for (named, expected) in zip(block.parameters, blockGradients) {
            expectClose(named.parameter.gradient, expected, tolerance: 1e-6, named.name)
        }
    }

    @Test func errorsCarryTheChildPath() throws {
        let block = try DepthwiseSeparableConv2d(2, 3)
        block.train()
        _ = try block.forward(randomTensor([2, 2, 4, 4], seed: 156))
        expectLayerError(["pointwise (Conv2d)", "output gradient"], startingWith: "pointwise") {
            _ = try block.backward(randomTensor([2, 5, 4, 4], seed: 157))
        }
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try DepthwiseSeparableConv2d(2, 3), input: randomTensor([2, 2, 4, 4], seed: 158))
    }
}
