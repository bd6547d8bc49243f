import Testing

@testable import GreenNN

/// `Fire.backward` (split, both expand branches, their sum through the squeeze stage) against
/// central differences (ε 1e-2, tolerance 2e-2), batch 2, without activations (a weight's ±ε
/// step can push a pre-activation across the ReLU kink; ReLU's backward is checked on its own).
@Suite struct FireBackwardTests {
    @Test func backwardMatchesFiniteDifferences() throws {
        var random = generator(161)
        let fire = try Fire(4, squeeze: 2, expand1x1: 3, expand3x3: 2, activation: nil, using: &random)
        try GradientCheck.expectGradientsMatch(fire, input: randomTensor([2, 4, 4, 5], seed: 162))
    }

    @Test func gradientsAreZeroBehindDeadReLUs() throws {
        // With ReLUs, a squeeze channel that is negative everywhere passes no gradient back.
        var random = generator(164)
        let fire = try Fire(2, squeeze: 2, expand1x1: 2, expand3x3: 2, using: &random)
        fire.squeeze.bias!.value = try Tensor(shape: [2], scalars: [-100, 0])
        fire.train()
        let input = randomTensor([2, 2, 3, 3], seed: 165)
        let gradient = randomTensor(try fire.forward(input).shape, seed: 166)
        _ = try fire.backward(gradient)
        #expect(fire.squeeze.bias!.gradient.scalars[0] == 0)
        #expect(fire.squeeze.weight.gradient.scalars[0..<2].allSatisfy { $0 == 0 })
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try Fire(4, squeeze: 2, expand1x1: 3, expand3x3: 2), input: randomTensor([2, 4, 4, 5], seed: 163))
    }
}
