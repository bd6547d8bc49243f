import Testing

@testable import GreenNN

/// `SharedBlock.backward`: the shared parameters' gradients accumulate over every
/// application. Checked against central differences (ε 1e-2, tolerance 2e-2; 3e-2 with
/// BatchNorm), batch 2, on blocks without ReLU kinks (a conv and a channel softmax), and a
/// conv + ReLU block against the same block unrolled into distinct copies.
@Suite struct SharedBlockBackwardTests {
    static func convBlock(seed: UInt64 = 201) throws -> Sequential {
        var random = generator(seed)
        return try Sequential {
            try Conv2d(3, 3, kernelSize: 3, padding: 1, using: &random); ReLU()
        }
    }

    @Test(arguments: [1, 2, 3])
    func backwardMatchesFiniteDifferences(_ repetitions: Int) throws {
        var random = generator(209)
        let block = try Sequential {
            try Conv2d(3, 3, kernelSize: 3, padding: 1, using: &random); Softmax()
        }
        let shared = try SharedBlock(block, repetitions: repetitions)
        try GradientCheck.expectGradientsMatch(shared, input: randomTensor([2, 3, 4, 5], seed: 202), "×\(repetitions)")
    }

    @Test func statefulLayersKeepOneCachePerApplication() throws {
        // BatchNorm's batch statistics and Dropout's mask differ per application; the gradient
        // is only right if each application's backward pass sees its own.
        func block() throws -> Sequential {
            var random = generator(203)
            return try Sequential {
                try Conv2d(2, 2, kernelSize: 3, padding: 1, using: &random)
                try BatchNorm2d(2)
                try Dropout(probability: 0.25, seed: 204)
            }
        }
        let shared = try SharedBlock(try block(), repetitions: 2)
        try GradientCheck.expectGradientsMatch(
            shared, input: randomTensor([2, 2, 4, 4], seed: 205), tolerance: 3e-2,
            evaluate: { input in
                let fresh = try SharedBlock(try block(), repetitions: 2)
                for (target, source) in zip(fresh.parameters, shared.parameters) {
                    target.parameter.value = source.parameter.value
                }
                fresh.train()
                return try fresh.forward(input)
            })
    }

    @Test func gradientEqualsTheSumOverAnUnrolledChain() throws {
        let shared = try SharedBlock(try Self.convBlock(), repetitions: 3)
        let unrolled = try Sequential {
            try Self.convBlock(); try Self.convBlock(); try Self.convBlock()
        }
        let input = randomTensor([2, 3, 4, 5], seed: 206)
        for model in [shared, unrolled] as [any Layer] { model.train() }
        let gradient = randomTensor(try shared.forward(input).shape, seed: 207)
        _ = try unrolled.forward(input)
        expectClose(try shared.backward(gradient), try unrolled.backward(gradient), tolerance: 1e-5, "input gradient")
        let copies = unrolled.parameters
        for (index, named) in shared.parameters.enumerated() {
            let total = try (0..<3).map { copies[2 * $0 + index].parameter.gradient }.reduce(
                Tensor.zeros(named.parameter.value.shape)
            ) { try $0 + $1 }
            expectClose(named.parameter.gradient, total, tolerance: 1e-5, named.name)
        }
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try SharedBlock(try Self.convBlock(), repetitions: 2), input: randomTensor([2, 3, 4, 5], seed: 208))
    }
}
