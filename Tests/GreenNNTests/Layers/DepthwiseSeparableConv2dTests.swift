import Testing

@testable import GreenNN

/// One `DepthwiseSeparableConv2d` configuration.
struct SeparableCase: CustomStringConvertible, Sendable {
    var batch = 1, inputChannels = 4, outputChannels = 6, height = 7, width = 9
    var kernel: Size2D = 3, stride: Size2D = 1, padding: Size2D = 1, dilation: Size2D = 1
    var batchNorm = false
    var activation: Activation? = nil

    var description: String {
        "N\(batch) C\(inputChannels)->\(outputChannels) \(height)x\(width) k\(kernel) s\(stride) p\(padding) d\(dilation) "
            + "batchNorm=\(batchNorm) activation=\(activation.map(\.rawValue) ?? "none")"
    }
    var outputHeight: Int {
        Naive.outputSize(
            height, kernel: kernel.height, stride: stride.height, padding: padding.height, dilation: dilation.height)
    }
    var outputWidth: Int {
        Naive.outputSize(
            width, kernel: kernel.width, stride: stride.width, padding: padding.width, dilation: dilation.width)
    }

    static let sweep: [SeparableCase] = [
        SeparableCase(),
        SeparableCase(batch: 3, activation: .relu),
        SeparableCase(batch: 3, batchNorm: true),
        SeparableCase(batch: 1, batchNorm: true, activation: .relu6),
        SeparableCase(batch: 3, stride: 2, batchNorm: true, activation: .relu),
        SeparableCase(
            batch: 1, inputChannels: 3, outputChannels: 2, kernel: 5, padding: 2, dilation: 1, activation: .relu6),
        SeparableCase(batch: 3, kernel: 3, stride: 2, padding: 0, dilation: 2),
    ]

    func makeLayer(seed: UInt64 = 81) throws -> DepthwiseSeparableConv2d {
        var random = generator(seed)
        let block = try DepthwiseSeparableConv2d(
            inputChannels, outputChannels, kernelSize: kernel, stride: stride, padding: padding, dilation: dilation,
            batchNorm: batchNorm, activation: activation, using: &random)
        for child in block.children {
            if let norm = child.layer as? BatchNorm2d { randomiseStatistics(norm, seed: seed &+ UInt64(norm.channels)) }
        }
        return block
    }
}

/// Gives `norm` non-trivial γ, β and running statistics, so inference is not the identity.
func randomiseStatistics(_ norm: BatchNorm2d, seed: UInt64) {
    let c = norm.channels
    norm.weight.value = randomTensor([c], seed: seed, in: 0.5..<1.5)
    norm.bias.value = randomTensor([c], seed: seed &+ 1, in: -0.5..<0.5)
    norm.runningMean = randomTensor([c], seed: seed &+ 2, in: -0.3..<0.3)
    norm.runningVariance = randomTensor([c], seed: seed &+ 3, in: 0.2..<2)
}

/// Inference BatchNorm by its formula, from the layer's own γ, β and running statistics.
func naiveNorm(_ input: Tensor, _ norm: BatchNorm2d) -> Tensor {
    Naive.batchNorm(
        input, mean: norm.runningMean.scalars, variance: norm.runningVariance.scalars, gamma: norm.weight.value.scalars,
        beta: norm.bias.value.scalars, epsilon: norm.epsilon)
}

/// The block against a reference composed from the naive pieces with its own weights:
/// depthwise conv (`groups = C`), [BatchNorm], [activation], 1x1 conv, [BatchNorm], [activation].
/// Tolerance 1e-5 relative: two convs of at most 25 and 6 products.
@Suite struct DepthwiseSeparableConv2dTests {
    /// The reference output of `block` on `input` (inference mode).
    static func reference(_ block: DepthwiseSeparableConv2d, _ input: Tensor, activation: Activation?) throws -> Tensor
    {
        let depthwise = block.depthwise
        var x = Naive.conv2d(
            input, weight: depthwise.weight.value, bias: depthwise.bias?.value, stride: depthwise.stride,
            padding: depthwise.padding, dilation: depthwise.dilation, groups: depthwise.channels)
        if let norm = block.children.first(where: { $0.name == "depthwiseNorm" })?.layer as? BatchNorm2d {
            x = naiveNorm(x, norm)
        }
        x = Naive.activate(x, activation)
        x = Naive.conv2d(x, weight: block.pointwise.weight.value, bias: block.pointwise.bias?.value)
        if let norm = block.children.first(where: { $0.name == "pointwiseNorm" })?.layer as? BatchNorm2d {
            x = naiveNorm(x, norm)
        }
        return Naive.activate(x, activation)
    }

    @Test(arguments: SeparableCase.sweep)
    func forwardMatchesNaiveReference(_ c: SeparableCase) throws {
        let block = try c.makeLayer()
        let input = randomTensor([c.batch, c.inputChannels, c.height, c.width], seed: 82)
        expectClose(
            try block(input), try Self.reference(block, input, activation: c.activation), tolerance: 1e-5, "\(c)")
    }

    @Test(arguments: SeparableCase.sweep)
    func childrenFollowTheConfiguration(_ c: SeparableCase) throws {
        let block = try c.makeLayer()
        var names = ["depthwise"]
        if c.batchNorm { names.append("depthwiseNorm") }
        if c.activation != nil { names.append("depthwiseActivation") }
        names.append("pointwise")
        if c.batchNorm { names.append("pointwiseNorm") }
        if c.activation != nil { names.append("pointwiseActivation") }
        #expect(block.children.map(\.name) == names, "\(c)")
        #expect(
            (block.depthwise.bias == nil) == c.batchNorm && (block.pointwise.bias == nil) == c.batchNorm,
            "with BatchNorm the convs have no bias")
        #expect(block.pointwise.kernelSize == 1 && block.pointwise.inputChannels == c.inputChannels)
    }

    @Test(arguments: SeparableCase.sweep)
    func costMatchesClosedForm(_ c: SeparableCase) throws {
        let block = try c.makeLayer()
        let input: Shape = [c.batch, c.inputChannels, c.height, c.width]
        let cost = try block.cost(for: input)
        let positions = c.batch * c.outputHeight * c.outputWidth
        let (inner, outer) = (positions * c.inputChannels, positions * c.outputChannels)  // elements after each stage
        let macs = positions * (c.kernel.height * c.kernel.width * c.inputChannels + c.inputChannels * c.outputChannels)
        let activationFLOPs = c.activation == nil ? 0 : (c.activation == .relu ? 1 : 2)
        let perElement = (c.batchNorm ? 2 : 1) + activationFLOPs  // bias add or BatchNorm, then the activation
        let parameters =
            c.inputChannels * c.kernel.height * c.kernel.width + c.inputChannels * c.outputChannels
            + (c.batchNorm ? 2 * (c.inputChannels + c.outputChannels) : c.inputChannels + c.outputChannels)
        #expect(cost.output == [c.batch, c.outputChannels, c.outputHeight, c.outputWidth], "\(c)")
        #expect(cost.macs == macs, "\(c)")
        #expect(cost.flops == 2 * macs + perElement * (inner + outer), "\(c)")
        #expect(cost.parameters == parameters, "\(c)")
        #expect(
            cost.weightBytes == 4 * parameters + (c.batchNorm ? 8 * (c.inputChannels + c.outputChannels) : 0),
            "\(c): running statistics")
        #expect(cost.children.map(\.name) == block.children.map(\.name), "\(c)")
        CostChecks.expectCompositeRowsSumTheirChildren(cost)
        try CostChecks.expectCostMatchesForward(block, input: randomTensor(input, seed: 83), "\(c)")
        try CostChecks.expectParameterCountsAgree(block, input: input, "\(c)")
    }

    @Test func costIsAFractionOfTheStandardConv() throws {
        // Howard et al.: the ratio is 1/O + 1/k² exactly, counting MACs.
        let block = try SeparableCase(inputChannels: 8, outputChannels: 16).makeLayer()
        let standard = try Conv2d(8, 16, kernelSize: 3, padding: 1)
        let input: Shape = [1, 8, 7, 9]
        let ratio = Double(try block.cost(for: input).macs) / Double(try standard.cost(for: input).macs)
        #expect(abs(ratio - (1.0 / 16 + 1.0 / 9)) < 1e-12)
    }

    @Test func trainModeReachesTheNorms() throws {
        let block = try SeparableCase(batch: 3, batchNorm: true).makeLayer()
        block.train()
        #expect(block.children.allSatisfy { $0.layer.isTraining })
        let norm = try CostChecks.child(block, "pointwiseNorm", as: BatchNorm2d.self)
        let before = norm.runningMean.scalars
        _ = try block(randomTensor([3, 4, 7, 9], seed: 84))
        #expect(norm.runningMean.scalars != before)
        block.eval()
        #expect(block.children.allSatisfy { !$0.layer.isTraining })
    }

    @Test func parameterPathsNameTheStages() throws {
        let names = try SeparableCase(batchNorm: true).makeLayer().parameters.map(\.name)
        #expect(
            names == [
                "depthwise.weight", "depthwiseNorm.weight", "depthwiseNorm.bias", "pointwise.weight",
                "pointwiseNorm.weight",
                "pointwiseNorm.bias",
            ])
    }

    @Test func rejectsWrongInputWithTheStagePath() throws {
        let block = try SeparableCase().makeLayer()
        expectLayerError([], startingWith: "depthwise (DepthwiseConv2d): expected input [N, 4, H, W], got [1, 3, 7, 9]")
        {
            _ = try block(randomTensor([1, 3, 7, 9], seed: 1))
        }
        expectLayerError([], startingWith: "depthwise (DepthwiseConv2d): expected input [N, 4, H, W], got [4, 7, 9]") {
            _ = try block.cost(for: [4, 7, 9])
        }
        let unpadded = try SeparableCase(kernel: 5, padding: 0).makeLayer()
        expectLayerError(["depthwise (DepthwiseConv2d)", "kernel 5", "larger than the padded input 3x3"]) {
            _ = try unpadded.cost(for: [1, 4, 3, 3])
        }
    }

    /// A configuration error names the block the caller built, and the value.
    @Test func rejectsZeroChannelsNamingTheBlock() {
        expectLayerError(["DepthwiseSeparableConv2d", "got 0"]) { _ = try DepthwiseSeparableConv2d(0, 8) }
        expectLayerError(["DepthwiseSeparableConv2d", "got 0"]) { _ = try DepthwiseSeparableConv2d(8, 0) }
    }

    @Test func rejectsInvalidWindowArguments() {
        expectLayerError(["stride must be >= 1, got 0"]) { _ = try DepthwiseSeparableConv2d(4, 8, stride: 0) }
        expectLayerError(["padding must be >= 0, got -1"]) { _ = try DepthwiseSeparableConv2d(4, 8, padding: -1) }
    }

    @Test func descriptionIsCallSyntax() throws {
        #expect(try DepthwiseSeparableConv2d(32, 64).description == "DepthwiseSeparableConv2d(32, 64)")
        #expect(
            try DepthwiseSeparableConv2d(32, 64, stride: 2).description == "DepthwiseSeparableConv2d(32, 64, stride: 2)"
        )
        #expect(
            try DepthwiseSeparableConv2d(32, 64, kernelSize: 5, padding: 2).description
                == "DepthwiseSeparableConv2d(32, 64, kernelSize: 5, padding: 2)")
    }

    /// Two different configurations never print the same (PyTorch's `extra_repr` rule:
    /// every non-default argument shows).
    @Test func descriptionDistinguishesConfigurations() throws {
        let descriptions = [
            try DepthwiseSeparableConv2d(8, 16).description,
            try DepthwiseSeparableConv2d(8, 16, dilation: 2).description,
            try DepthwiseSeparableConv2d(8, 16, batchNorm: true).description,
            try DepthwiseSeparableConv2d(8, 16, activation: .relu).description,
            try DepthwiseSeparableConv2d(8, 16, activation: .relu6).description,
        ]
        #expect(Set(descriptions).count == descriptions.count, "\(descriptions)")
    }
}
