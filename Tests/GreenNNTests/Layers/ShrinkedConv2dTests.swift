import Testing

@testable import GreenNN

/// One `ShrinkedConv2d` configuration; the base conv is 8 → 6, thinned by `width`.
struct ShrinkedCase: CustomStringConvertible, Sendable {
    var batch = 1, baseInput = 8, baseOutput = 6, height = 7, width = 9
    var kernel: Size2D = 3, stride: Size2D = 1, padding: Size2D = 1
    var widthMultiplier: Float = 0.5, resolution: Float = 1
    var convolution: ShrinkedConv2d.Convolution = .standard
    var batchNorm = false
    var activation: Activation? = nil

    var description: String {
        "N\(batch) base \(baseInput)->\(baseOutput) \(height)x\(width) k\(kernel) s\(stride) p\(padding) α\(widthMultiplier) "
            + "ρ\(resolution) \(convolution.rawValue) batchNorm=\(batchNorm) activation=\(activation.map(\.rawValue) ?? "none")"
    }
    var inputChannels: Int { max(1, Int((Double(baseInput) * Double(widthMultiplier)).rounded())) }
    var outputChannels: Int { max(1, Int((Double(baseOutput) * Double(widthMultiplier)).rounded())) }
    /// The plane after area resampling: `max(1, ⌊ρ·H⌋) x max(1, ⌊ρ·W⌋)`.
    var resampled: (height: Int, width: Int) {
        (
            max(1, Int((Double(height) * Double(resolution)).rounded(.down))),
            max(1, Int((Double(width) * Double(resolution)).rounded(.down)))
        )
    }
    var outputHeight: Int {
        Naive.outputSize(resampled.height, kernel: kernel.height, stride: stride.height, padding: padding.height)
    }
    var outputWidth: Int {
        Naive.outputSize(resampled.width, kernel: kernel.width, stride: stride.width, padding: padding.width)
    }
    var inputShape: Shape { [batch, inputChannels, height, width] }

    static let sweep: [ShrinkedCase] = {
        var cases: [ShrinkedCase] = []
        for convolution in ShrinkedConv2d.Convolution.allCases {
            cases.append(ShrinkedCase(convolution: convolution))
            cases.append(ShrinkedCase(batch: 3, resolution: 0.5, convolution: convolution))
            cases.append(
                ShrinkedCase(batch: 3, stride: 2, widthMultiplier: 0.75, resolution: 0.75, convolution: convolution))
            cases.append(
                ShrinkedCase(
                    batch: 1, kernel: 1, padding: 0, widthMultiplier: 1, resolution: 0.5, convolution: convolution))
        }
        cases.append(
            ShrinkedCase(
                batch: 3, resolution: 0.75, convolution: .depthwiseSeparable, batchNorm: true, activation: .relu6))
        return cases
    }()

    func makeLayer(seed: UInt64 = 111) throws -> ShrinkedConv2d {
        var random = generator(seed)
        let block = try ShrinkedConv2d(
            baseInput, baseOutput, kernelSize: kernel, stride: stride, padding: padding, width: widthMultiplier,
            resolution: resolution, convolution: convolution, batchNorm: batchNorm, activation: activation,
            using: &random)
        if let inner = block.children.last?.layer as? DepthwiseSeparableConv2d {
            for child in inner.children {
                if let norm = child.layer as? BatchNorm2d {
                    randomiseStatistics(norm, seed: seed &+ UInt64(norm.channels))
                }
            }
        }
        return block
    }
}

/// The shrunk conv against `Naive.adaptiveAvgPool` to `⌊ρH⌋ x ⌊ρW⌋` followed by the naive
/// inner conv (standard or depthwise-separable) with the block's own weights, on the
/// thinned channels. Tolerance 1e-5 relative.
@Suite struct ShrinkedConv2dTests {
    @Test(arguments: ShrinkedCase.sweep)
    func forwardMatchesNaiveReference(_ c: ShrinkedCase) throws {
        let block = try c.makeLayer()
        let input = randomTensor(c.inputShape, seed: 112)
        var x =
            c.resolution < 1
            ? Naive.adaptiveAvgPool(input, height: c.resampled.height, width: c.resampled.width) : input
        switch c.convolution {
        case .standard:
            let conv = try CostChecks.child(block, "conv", as: Conv2d.self)
            x = Naive.conv2d(x, weight: conv.weight.value, bias: conv.bias?.value, stride: c.stride, padding: c.padding)
        case .depthwiseSeparable:
            let conv = try CostChecks.child(block, "conv", as: DepthwiseSeparableConv2d.self)
            x = try DepthwiseSeparableConv2dTests.reference(conv, x, activation: c.activation)
        }
        let output = try block(input)
        #expect(output.shape == [c.batch, c.outputChannels, c.outputHeight, c.outputWidth], "\(c)")
        expectClose(output, x, tolerance: 1e-5, "\(c)")
    }

    @Test(arguments: ShrinkedCase.sweep)
    func costIsTheInnerConvOnTheThinnedResampledInput(_ c: ShrinkedCase) throws {
        let block = try c.makeLayer()
        let cost = try block.cost(for: c.inputShape)
        #expect(block.inputChannels == c.inputChannels && block.outputChannels == c.outputChannels, "\(c)")
        #expect(cost.children.map(\.name) == (c.resolution < 1 ? ["resample", "conv"] : ["conv"]), "\(c)")
        let positions = c.batch * c.outputHeight * c.outputWidth
        let taps = c.kernel.height * c.kernel.width
        let (ci, co) = (c.inputChannels, c.outputChannels)
        let macs = c.convolution == .standard ? positions * co * ci * taps : positions * (taps * ci + ci * co)
        let parameters =
            c.convolution == .standard
            ? co * ci * taps + co
            : ci * taps + ci * co + (c.batchNorm ? 2 * (ci + co) : ci + co)
        #expect(cost.output == [c.batch, co, c.outputHeight, c.outputWidth], "\(c)")
        #expect(cost.macs == macs, "\(c)")
        #expect(cost.parameters == parameters, "\(c)")
        if c.resolution < 1 {
            // The area resample reads every input cell once when ρ·H and ρ·W divide evenly; at
            // least once in any case, and it does no MACs.
            let resample = try #require(cost.children.first)
            #expect(resample.macs == 0 && resample.flops >= c.batch * ci * c.resampled.height * c.resampled.width)
            #expect(resample.output == [c.batch, ci, c.resampled.height, c.resampled.width])
        }
        CostChecks.expectCompositeRowsSumTheirChildren(cost)
        try CostChecks.expectCostMatchesForward(block, input: randomTensor(c.inputShape, seed: 113), "\(c)")
        try CostChecks.expectParameterCountsAgree(block, input: c.inputShape, "\(c)")
    }

    @Test func shrinkingCutsMACsByAboutAlphaSquaredRhoSquared() throws {
        var random = generator(114)
        let full = try ShrinkedConv2d(16, 16, kernelSize: 3, padding: 1, width: 1, using: &random)
        let shrunk = try ShrinkedConv2d(16, 16, kernelSize: 3, padding: 1, width: 0.5, resolution: 0.5, using: &random)
        let ratio =
            Double(try shrunk.cost(for: [1, 8, 16, 16]).macs) / Double(try full.cost(for: [1, 16, 16, 16]).macs)
        #expect(ratio == 0.5 * 0.5 * 0.5 * 0.5)
    }

    @Test func thinnedRoundsAndKeepsOneChannel() {
        #expect(ShrinkedConv2d.thinned(8, width: 0.5) == 4)
        #expect(ShrinkedConv2d.thinned(6, width: 0.75) == 5)  // 4.5 rounds up
        #expect(ShrinkedConv2d.thinned(3, width: 0.1) == 1)
        #expect(ShrinkedConv2d.thinned(64, width: 1) == 64)
    }

    @Test func rejectsMultipliersOutsideTheUnitInterval() {
        expectLayerError(["ShrinkedConv2d", "width must be in (0, 1], got 0.0"]) {
            _ = try ShrinkedConv2d(8, 8, kernelSize: 3, width: 0)
        }
        expectLayerError(["ShrinkedConv2d", "width must be in (0, 1], got 1.5"]) {
            _ = try ShrinkedConv2d(8, 8, kernelSize: 3, width: 1.5)
        }
        expectLayerError(["ShrinkedConv2d", "resolution must be in (0, 1], got 0.0"]) {
            _ = try ShrinkedConv2d(8, 8, kernelSize: 3, width: 0.5, resolution: 0)
        }
        expectLayerError(["ShrinkedConv2d", "inputChannels must be >= 1, got 0"]) {
            _ = try ShrinkedConv2d(0, 8, kernelSize: 3, width: 0.5)
        }
    }

    @Test func rejectsUnthinnedInputWithTheStagePath() throws {
        let block = try ShrinkedCase(resolution: 0.5).makeLayer()
        expectLayerError([], startingWith: "conv (Conv2d): expected input [N, 4, H, W], got [1, 8, 3, 4]") {
            _ = try block(randomTensor([1, 8, 7, 9], seed: 1))
        }
        let separable = try ShrinkedCase(convolution: .depthwiseSeparable).makeLayer()
        expectLayerError(
            [], startingWith: "conv.depthwise (DepthwiseConv2d): expected input [N, 4, H, W], got [1, 8, 7, 9]"
        ) {
            _ = try separable.cost(for: [1, 8, 7, 9])
        }
    }

    @Test func descriptionNamesTheMultipliersAndTheKind() throws {
        let description = try ShrinkedConv2d(
            8, 6, kernelSize: 3, width: 0.5, resolution: 0.75, convolution: .depthwiseSeparable
        ).description
        #expect(description.hasPrefix("ShrinkedConv2d("))
        #expect(
            description.contains("width: 0.5") && description.contains("resolution: 0.75")
                && description.contains("depthwiseSeparable"))
    }

    /// Call syntax: the printed arguments rebuild the same block (the base channel counts,
    /// not the thinned ones), and different kernels, strides or paddings print differently.
    @Test func descriptionIsTheConstructorCall() throws {
        #expect(try ShrinkedConv2d(8, 6, kernelSize: 3, width: 0.5).description.hasPrefix("ShrinkedConv2d(8, 6,"))
        let descriptions = [
            try ShrinkedConv2d(8, 6, kernelSize: 3, width: 0.5).description,
            try ShrinkedConv2d(8, 6, kernelSize: 5, width: 0.5).description,
            try ShrinkedConv2d(8, 6, kernelSize: 3, stride: 2, width: 0.5).description,
            try ShrinkedConv2d(8, 6, kernelSize: 3, padding: 1, width: 0.5).description,
        ]
        #expect(Set(descriptions).count == descriptions.count, "\(descriptions)")
    }
}
