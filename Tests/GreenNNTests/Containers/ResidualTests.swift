import Testing

@testable import GreenNN

/// `Residual`: activation(body(x) + shortcut(x)) against straightforward loops (1e-5
/// relative), gradients against central differences, cost with the adds counted, inference
/// plans against the eager pass (1e-5 relative), and torchvision's names for its blocks.
@Suite struct ResidualTests {
    static func block(_ shortcut: String, seed: UInt64 = 171) throws -> Residual {
        var random = generator(seed)
        let body = [
            NamedLayer(
                "conv1",
                try Conv2d(3, 4, kernelSize: 3, stride: shortcut == "projection" ? 2 : 1, padding: 1, using: &random)),
            NamedLayer("relu", ReLU()),
            NamedLayer(
                "conv2", try Conv2d(4, shortcut == "identity" ? 3 : 4, kernelSize: 3, padding: 1, using: &random)),
        ]
        switch shortcut {
        case "identity": return try Residual(body: body, shortcut: .identity, activation: .relu)
        case "projection":
            return try Residual(
                body: body,
                shortcut: .layer(NamedLayer("downsample", try Conv2d(3, 4, kernelSize: 1, stride: 2, using: &random))),
                activation: .relu6)
        default: return try Residual(body: body, shortcut: .none)
        }
    }

    /// The block computed with the naive loops.
    static func reference(_ block: Residual, _ input: Tensor) throws -> Tensor {
        let first = block.body[0].layer as! Conv2d, second = block.body[2].layer as! Conv2d
        let stride = first.stride
        let hidden = Naive.relu(
            Naive.conv2d(input, weight: first.weight.value, bias: first.bias?.value, stride: stride, padding: 1))
        var output = Naive.conv2d(hidden, weight: second.weight.value, bias: second.bias?.value, padding: 1)
        switch block.shortcut {
        case .identity: try output.add(input)
        case let .layer(named):
            let projection = named.layer as! Conv2d
            try output.add(
                Naive.conv2d(input, weight: projection.weight.value, bias: projection.bias?.value, stride: stride))
        case .none: break
        }
        return Naive.activate(output, block.activation)
    }

    @Test(arguments: ["identity", "projection", "none"])
    func forwardAddsTheShortcutThenActivates(_ shortcut: String) throws {
        let block = try Self.block(shortcut)
        let input = randomTensor([2, 3, 6, 5], seed: 172)
        expectClose(try block(input), try Self.reference(block, input), tolerance: 1e-5, shortcut)
    }

    /// Central differences are only exact away from a ReLU's kink, and the block's hidden and
    /// output pre-activations are not spread apart like its input: the test takes the first seed
    /// whose pre-activations all lie at least 0.02 from 0 (a step of ε = 1e-3 moves them by less).
    @Test(arguments: ["identity", "projection", "none"])
    func gradientsMatchFiniteDifferences(_ shortcut: String) throws {
        let input = separatedTensor([1, 3, 3, 3], seed: 173)
        let seed = try #require(
            try (200..<400).first { seed in
                let block = try Self.block(shortcut, seed: UInt64(seed))
                let first = block.body[0].layer as! Conv2d
                let hidden = Naive.conv2d(
                    input, weight: first.weight.value, bias: first.bias?.value, stride: first.stride, padding: 1)
                let unactivated = try Self.reference(
                    try Residual(body: block.body, shortcut: block.shortcut, activation: nil), input)
                let kinks = hidden.scalars + (block.activation == nil ? [] : unactivated.scalars)
                return kinks.allSatisfy { abs($0) >= 0.02 }
            }, "no seed keeps the pre-activations away from the kinks")
        try GradientCheck.expectGradientsMatch(
            try Self.block(shortcut, seed: UInt64(seed)), input: input, epsilon: 1e-3, shortcut)
    }

    @Test func costCountsTheBodyTheShortcutAndTheAdds() throws {
        let block = try Self.block("projection")
        let input: Shape = [2, 3, 6, 6]
        let cost = try block.cost(for: input)
        let output = 2 * 4 * 3 * 3
        #expect(cost.output == [2, 4, 3, 3] && cost.kind == "Residual")
        #expect(cost.children.map(\.name) == ["conv1", "relu", "conv2", "downsample"])
        #expect(cost.macs == output * 27 + output * 36 + output * 3)
        let childFLOPs = cost.children.reduce(0) { $0 + $1.flops }
        // One add per output element, then ReLU6's two comparisons per element.
        let relu6 = try ReLU6().cost(for: [2, 4, 3, 3]).flops
        #expect(cost.flops == childFLOPs + output + relu6)
        #expect(cost.parameters == block.parameterCount)
        try CostChecks.expectCostMatchesForward(block, input: randomTensor(input, seed: 174))
    }

    @Test func shapesThatDoNotMatchAreATypedError() throws {
        var random = generator(175)
        let block = try Residual(
            body: [NamedLayer("conv", try Conv2d(3, 4, kernelSize: 1, using: &random))], shortcut: .identity)
        expectLayerError(["Residual", "the body gives [1, 4, 5, 5], the shortcut [1, 3, 5, 5]"]) {
            _ = try block.cost(for: [1, 3, 5, 5])
        }
        expectLayerError(["Residual", "the body gives [1, 4, 5, 5], the shortcut [1, 3, 5, 5]"]) {
            _ = try block(randomTensor([1, 3, 5, 5], seed: 1))
        }
        expectLayerError(["Residual", "child names must be unique"]) {
            _ = try Residual(
                body: [NamedLayer("a", ReLU())], shortcut: .layer(NamedLayer("a", ReLU())))
        }
    }

    @Test(arguments: ["identity", "projection", "none"])
    func planMatchesTheEagerPassWithTheAddAndActivationInOneStep(_ shortcut: String) throws {
        let block = try Self.block(shortcut)
        block.eval()
        let input = randomTensor([2, 3, 6, 5], seed: 176)
        let plan = try block.inferencePlan(for: input.shape)
        expectClose(try plan(input), try block(input), tolerance: 1e-5, shortcut)
        if shortcut != "none" {
            let add = try #require(plan.steps.first { $0.kernel == "add" })
            #expect(add.fused == [shortcut == "identity" ? "ReLU" : "ReLU6"] || add.fused.contains("Residual"))
        }
    }

    @Test func basicBlockAndInvertedResidualHaveTorchvisionsNames() throws {
        var random = generator(177)
        let basic = try Residual.basicBlock(64, 128, stride: 2, using: &random)
        #expect(basic.kind == "BasicBlock")
        #expect(
            Set(basic.stateDictionary.keys).isSuperset(of: [
                "conv1.weight", "bn1.weight", "conv2.weight", "bn2.running_var", "downsample.0.weight",
                "downsample.1.bias",
            ]))
        #expect(try basic.cost(for: [1, 64, 8, 8]).output == [1, 128, 4, 4])
        let inverted = try Residual.invertedResidual(24, 24, stride: 1, expansion: 6, using: &random)
        #expect(inverted.kind == "InvertedResidual")
        if case .identity = inverted.shortcut {} else { Issue.record("a same-shape inverted residual adds its input") }
        #expect(
            Set(inverted.stateDictionary.keys).isSuperset(of: [
                "conv.0.0.weight", "conv.0.1.running_mean", "conv.1.0.weight", "conv.2.weight", "conv.3.weight",
            ]))
        #expect(inverted.stateDictionary["conv.1.0.weight"]?.shape == [144, 1, 3, 3])
        let narrowing = try Residual.invertedResidual(16, 24, stride: 2, expansion: 6, using: &random)
        if case .none = narrowing.shortcut {} else { Issue.record("a strided inverted residual has no shortcut") }
        expectLayerError(["InvertedResidual", "must be >= 1"]) {
            _ = try Residual.invertedResidual(16, 24, stride: 0, expansion: 6, using: &random)
        }
    }
}
