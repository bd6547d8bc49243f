import Testing

@testable import GreenNN

/// One `Fire` configuration.
struct FireCase: CustomStringConvertible, Sendable {
    var batch = 1, inputChannels = 6, squeeze = 3, expand1x1 = 4, expand3x3 = 5, height = 7, width = 9
    var activation: Activation? = .relu
    var description: String {
        "N\(batch) C\(inputChannels) s\(squeeze) e1 \(expand1x1) e3 \(expand3x3) \(height)x\(width) activation=\(activation.map(\.rawValue) ?? "none")"
    }

    static let sweep: [FireCase] = [
        FireCase(), FireCase(batch: 3), FireCase(batch: 3, activation: nil), FireCase(batch: 1, activation: .relu6),
        FireCase(batch: 3, inputChannels: 2, squeeze: 1, expand1x1: 1, expand3x3: 2, height: 5, width: 3),
    ]

    func makeLayer(seed: UInt64 = 91) throws -> Fire {
        var random = generator(seed)
        return try Fire(
            inputChannels, squeeze: squeeze, expand1x1: expand1x1, expand3x3: expand3x3, activation: activation,
            using: &random)
    }
}

/// SqueezeNet's fire module against a reference composed from `Naive.conv2d`, the
/// activation and a channel concatenation, with the module's own weights.
/// Tolerance 1e-5 relative: convs of at most 27 products.
@Suite struct FireTests {
    @Test(arguments: FireCase.sweep)
    func forwardMatchesNaiveReference(_ c: FireCase) throws {
        let fire = try c.makeLayer()
        let input = randomTensor([c.batch, c.inputChannels, c.height, c.width], seed: 92)
        func conv(_ layer: Conv2d, _ x: Tensor) -> Tensor {
            Naive.activate(
                Naive.conv2d(x, weight: layer.weight.value, bias: layer.bias?.value, padding: layer.padding),
                c.activation)
        }
        let squeezed = conv(fire.squeeze, input)
        let expected = Naive.concatenateChannels([conv(fire.expand1x1, squeezed), conv(fire.expand3x3, squeezed)])
        expectClose(try fire(input), expected, tolerance: 1e-5, "\(c)")
    }

    @Test(arguments: FireCase.sweep)
    func costMatchesClosedForm(_ c: FireCase) throws {
        let fire = try c.makeLayer()
        let input: Shape = [c.batch, c.inputChannels, c.height, c.width]
        let cost = try fire.cost(for: input)
        let positions = c.batch * c.height * c.width
        let (s, e1, e3) = (c.squeeze, c.expand1x1, c.expand3x3)
        let macs = positions * (c.inputChannels * s + s * e1 + 9 * s * e3)
        let activationFLOPs = c.activation == nil ? 0 : (c.activation == .relu ? 1 : 2)
        let parameters = (c.inputChannels * s + s) + (s * e1 + e1) + (9 * s * e3 + e3)
        #expect(cost.output == [c.batch, e1 + e3, c.height, c.width], "\(c)")
        #expect(cost.macs == macs, "\(c)")
        #expect(cost.flops == 2 * macs + (1 + activationFLOPs) * positions * (s + e1 + e3), "\(c)")
        #expect(cost.parameters == parameters && cost.weightBytes == 4 * parameters, "\(c)")
        // Every stage writes its output, and the concatenation writes the result once more.
        let stageBytes = 4 * positions * (s + e1 + e3) * (c.activation == nil ? 1 : 2)
        #expect(cost.activationBytes == stageBytes + 4 * positions * (e1 + e3), "\(c)")
        #expect(cost.children.map(\.name) == fire.children.map(\.name))
        CostChecks.expectCompositeRowsSumTheirChildren(cost)
        try CostChecks.expectCostMatchesForward(fire, input: randomTensor(input, seed: 93), "\(c)")
        try CostChecks.expectParameterCountsAgree(fire, input: input, "\(c)")
    }

    @Test func childrenUseTorchvisionNames() throws {
        let fire = try FireCase().makeLayer()
        #expect(
            fire.children.map(\.name) == [
                "squeeze", "squeeze_activation", "expand1x1", "expand1x1_activation", "expand3x3",
                "expand3x3_activation",
            ])
        #expect(
            try FireCase(activation: nil).makeLayer().children.map(\.name) == ["squeeze", "expand1x1", "expand3x3"])
        #expect(
            fire.parameters.map(\.name) == [
                "squeeze.weight", "squeeze.bias", "expand1x1.weight", "expand1x1.bias", "expand3x3.weight",
                "expand3x3.bias",
            ])
        #expect(fire.expand3x3.kernelSize == 3 && fire.expand3x3.padding == 1 && fire.expand1x1.kernelSize == 1)
    }

    @Test func rejectsWrongInputWithTheStagePath() throws {
        let fire = try FireCase().makeLayer()
        expectLayerError([], startingWith: "squeeze (Conv2d): expected input [N, 6, H, W], got [1, 5, 7, 9]") {
            _ = try fire(randomTensor([1, 5, 7, 9], seed: 1))
        }
        expectLayerError([], startingWith: "squeeze (Conv2d): expected input [N, 6, H, W], got [6, 7, 9]") {
            _ = try fire.cost(for: [6, 7, 9])
        }
        let model = try Sequential {
            try Conv2d(3, 5, kernelSize: 1); fire
        }
        expectLayerError([], startingWith: "1.squeeze (Conv2d): expected input [N, 6, H, W], got [1, 5, 7, 9]") {
            _ = try model(randomTensor([1, 3, 7, 9], seed: 1))
        }
    }

    /// A configuration error names the block the caller built, and the value.
    @Test func rejectsZeroChannelsNamingTheBlock() {
        expectLayerError(["Fire", "got 0"]) { _ = try Fire(0, squeeze: 2, expand1x1: 4, expand3x3: 4) }
        expectLayerError(["Fire", "got 0"]) { _ = try Fire(8, squeeze: 0, expand1x1: 4, expand3x3: 4) }
        expectLayerError(["Fire", "got 0"]) { _ = try Fire(8, squeeze: 2, expand1x1: 4, expand3x3: 0) }
    }

    @Test func descriptionIsCallSyntax() throws {
        #expect(
            try Fire(96, squeeze: 16, expand1x1: 64, expand3x3: 64).description
                == "Fire(96, squeeze: 16, expand1x1: 64, expand3x3: 64)")
    }

    /// A non-default activation shows, so different modules never print the same.
    @Test func descriptionDistinguishesActivations() throws {
        let descriptions = try [Activation.relu, .relu6, nil].map {
            try Fire(8, squeeze: 2, expand1x1: 4, expand3x3: 4, activation: $0).description
        }
        #expect(Set(descriptions).count == 3, "\(descriptions)")
    }
}
