import Testing

@testable import GreenNN

/// `Linear.backward` against central differences (ε 1e-2, tolerance 2e-2), batch 2.
@Suite struct LinearBackwardTests {
    @Test(arguments: [true, false])
    func backwardMatchesFiniteDifferences(_ bias: Bool) throws {
        var random = generator(21)
        let layer = try Linear(5, 3, bias: bias, using: &random)
        try GradientCheck.expectGradientsMatch(layer, input: randomTensor([2, 5], seed: 22), "bias=\(bias)")
    }

    @Test func backwardParametersMatchesBackward() throws {
        var random = generator(23)
        let first = try Linear(4, 3, using: &random)
        let second = try Linear(weight: first.weight.value, bias: first.bias!.value)
        let input = randomTensor([2, 4], seed: 24), gradient = randomTensor([2, 3], seed: 25)
        for layer in [first, second] {
            layer.train()
            _ = try layer.forward(input)
        }
        _ = try first.backward(gradient)
        try second.backwardParameters(gradient)
        expectClose(second.weight.gradient, first.weight.gradient, tolerance: 1e-6, "weight")
        expectClose(second.bias!.gradient, first.bias!.gradient, tolerance: 1e-6, "bias")
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(try Linear(4, 3), input: randomTensor([2, 4], seed: 26))
    }
}
