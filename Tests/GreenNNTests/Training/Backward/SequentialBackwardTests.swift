import Testing

@testable import GreenNN

/// `Sequential.backward` (children in reverse) against central differences (ε 1e-2, tolerance
/// 2e-2), batch 2; `backwardParameters` skips the leading parameterless layers and the first
/// layer's input gradient; errors carry the child's index.
@Suite struct SequentialBackwardTests {
    static func model(seed: UInt64 = 211) throws -> Sequential {
        var random = generator(seed)
        return try Sequential {
            try Conv2d(2, 3, kernelSize: 3, padding: 1, using: &random)
            try AvgPool2d(kernelSize: 2)
            Flatten()
            try Linear(12, 4, using: &random)
            Softmax()
        }
    }

    @Test func backwardMatchesFiniteDifferences() throws {
        try GradientCheck.expectGradientsMatch(try Self.model(), input: randomTensor([2, 2, 4, 4], seed: 212))
    }

    @Test func backwardParametersGivesTheSameParameterGradients() throws {
        let (first, second) = (try Self.model(), try Self.model())
        let input = randomTensor([2, 2, 4, 4], seed: 213)
        let leading = try Sequential {
            ReLU(); first
        }
        for model in [leading, second] as [any Layer] { model.train() }
        let gradient = randomTensor(try leading.forward(input).shape, seed: 214)
        _ = try second.forward(ReLU()(input))
        try leading.backwardParameters(gradient)
        _ = try second.backward(gradient)
        for (a, b) in zip(first.parameters, second.parameters) {
            expectClose(a.parameter.gradient, b.parameter.gradient, tolerance: 1e-6, a.name)
        }
    }

    @Test func fusedTrainingStepsMatchLayerByLayer() throws {
        // In training a chain fuses conv + ReLU/ReLU6 (forward) and ReLU + max pool (backward);
        // running the same layers one by one must give the same numbers.
        func chain() throws -> Sequential {
            var random = generator(219)
            return try Sequential {
                try Conv2d(2, 3, kernelSize: 3, padding: 1, using: &random)
                ReLU()
                try MaxPool2d(kernelSize: 2)
                try Conv2d(3, 4, kernelSize: 3, padding: 1, using: &random)
                ReLU6()
            }
        }
        let (fused, separate) = (try chain(), try chain())
        for model in [fused, separate] { model.train() }
        let input = randomTensor([2, 2, 6, 6], seed: 220, in: -3..<3)
        let output = try fused.forward(input)
        var value = input
        for child in separate.children { value = try child.layer.forward(value) }
        expectClose(output, value, tolerance: 1e-6, "output")
        let gradient = randomTensor(output.shape, seed: 221)
        var separateGradient = gradient
        for child in separate.children.reversed() { separateGradient = try child.layer.backward(separateGradient) }
        expectClose(try fused.backward(gradient), separateGradient, tolerance: 1e-6, "input gradient")
        for (a, b) in zip(fused.parameters, separate.parameters) {
            expectClose(a.parameter.gradient, b.parameter.gradient, tolerance: 1e-6, a.name)
        }
        #expect(fused.children.allSatisfy { $0.layer.trainingCache == nil }, "every cache consumed")
    }

    @Test func errorsCarryTheChildIndex() throws {
        let model = try Self.model()
        model.train()
        _ = try model.forward(randomTensor([2, 2, 4, 4], seed: 215))
        expectLayerError(["4 (Softmax)", "softmaxBackward"], startingWith: "4 (Softmax)") {
            _ = try model.backward(randomTensor([2, 5], seed: 216))
        }
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        let model = try Self.model()
        model.eval()
        _ = try model.forward(randomTensor([2, 2, 4, 4], seed: 217))
        expectLayerError(["4 (Softmax)", "training-mode forward pass"], startingWith: "4 (Softmax)") {
            _ = try model.backward(randomTensor([2, 4], seed: 218))
        }
    }
}
