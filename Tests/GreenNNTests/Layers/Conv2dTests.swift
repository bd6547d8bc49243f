import Testing

@testable import GreenNN

/// One `Conv2d` configuration of the sweep.
struct Conv2dCase: CustomStringConvertible, Sendable {
    var batch = 1, channels = 3, outputChannels = 4, height = 7, width = 9
    var kernel: Size2D = 3, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1
    var groups = 1
    var bias = true

    var description: String {
        "N\(batch) C\(channels)->\(outputChannels) \(height)x\(width) k\(kernel) s\(stride) p\(padding) d\(dilation) g\(groups) bias=\(bias)"
    }

    var outputHeight: Int {
        Naive.outputSize(
            height, kernel: kernel.height, stride: stride.height, padding: padding.height, dilation: dilation.height)
    }
    var outputWidth: Int {
        Naive.outputSize(
            width, kernel: kernel.width, stride: stride.width, padding: padding.width, dilation: dilation.width)
    }

    /// Batches 1 and 3, odd planes, stride 1/2, padding 0/1/2, dilation 1/2, groups, no bias,
    /// a 1x1 (the GEMM fast path) and rectangular kernels.
    static let sweep: [Conv2dCase] = [
        Conv2dCase(),
        Conv2dCase(batch: 3),
        Conv2dCase(batch: 3, padding: 1),
        Conv2dCase(stride: 2, padding: 1),
        Conv2dCase(batch: 3, stride: 2, padding: 2, dilation: 2),
        Conv2dCase(dilation: 2, bias: false),
        Conv2dCase(batch: 3, channels: 6, outputChannels: 4, padding: 1, groups: 2),
        Conv2dCase(batch: 1, channels: 4, outputChannels: 8, stride: 2, groups: 4, bias: false),
        Conv2dCase(batch: 3, channels: 5, outputChannels: 6, kernel: 1),
        Conv2dCase(batch: 1, channels: 5, outputChannels: 2, kernel: 1, stride: 2, padding: 1),
        Conv2dCase(
            batch: 3, channels: 2, outputChannels: 3, kernel: Size2D(height: 3, width: 5),
            stride: Size2D(height: 1, width: 2), padding: Size2D(height: 2, width: 1)),
        Conv2dCase(batch: 1, channels: 1, outputChannels: 6, height: 11, width: 9, kernel: 5, padding: 2),
    ]

    func makeLayer(seed: UInt64 = 11) throws -> Conv2d {
        var random = generator(seed)
        return try Conv2d(
            channels, outputChannels, kernelSize: kernel, stride: stride, padding: padding, dilation: dilation,
            groups: groups, bias: bias, using: &random)
    }
}

/// `Conv2d` against the direct loops of `Naive.conv2d`, and its cost against the closed form.
/// Tolerance 1e-5 relative: at most 75 products of values in [-1, 1] summed in Float.
@Suite struct Conv2dTests {
    @Test func tinyRampIsHandCheckable() throws {
        // [[0 1 2] [3 4 5] [6 7 8]] with a 2x2 kernel of ones: window sums 8, 12, 20, 24, plus bias 1.
        let conv = try Conv2d(weight: Tensor.ones([1, 1, 2, 2]), bias: Tensor.ones([1]))
        let output = try conv(rampTensor([1, 1, 3, 3]))
        #expect(output.shape == [1, 1, 2, 2])
        #expect(output.scalars == [9, 13, 21, 25])
    }

    @Test(arguments: Conv2dCase.sweep)
    func forwardMatchesNaiveReference(_ c: Conv2dCase) throws {
        let conv = try c.makeLayer()
        let input = randomTensor([c.batch, c.channels, c.height, c.width], seed: 1)
        let expected = Naive.conv2d(
            input, weight: conv.weight.value, bias: conv.bias?.value, stride: c.stride, padding: c.padding,
            dilation: c.dilation, groups: c.groups)
        expectClose(try conv(input), expected, tolerance: 1e-5, "\(c)")
    }

    @Test(arguments: Conv2dCase.sweep)
    func costMatchesClosedForm(_ c: Conv2dCase) throws {
        let conv = try c.makeLayer()
        let cost = try conv.cost(for: [c.batch, c.channels, c.height, c.width])
        let outputElements = c.batch * c.outputChannels * c.outputHeight * c.outputWidth
        let macs = outputElements * (c.channels / c.groups) * c.kernel.height * c.kernel.width
        let parameters =
            c.outputChannels * (c.channels / c.groups) * c.kernel.height * c.kernel.width
            + (c.bias ? c.outputChannels : 0)
        #expect(cost.output == [c.batch, c.outputChannels, c.outputHeight, c.outputWidth], "\(c)")
        #expect(cost.macs == macs, "\(c)")
        #expect(cost.flops == 2 * macs + (c.bias ? outputElements : 0), "\(c)")
        #expect(cost.parameters == parameters, "\(c)")
        #expect(cost.weightBytes == 4 * parameters, "\(c)")
        #expect(cost.activationBytes == 4 * outputElements, "\(c)")
        #expect(cost.kind == "Conv2d" && cost.children.isEmpty && cost.applications == 1, "\(c)")
    }

    @Test(arguments: Conv2dCase.sweep)
    func costMatchesForwardWork(_ c: Conv2dCase) throws {
        let conv = try c.makeLayer()
        try CostChecks.expectCostMatchesForward(
            conv, input: randomTensor([c.batch, c.channels, c.height, c.width], seed: 2), "\(c)")
        try CostChecks.expectParameterCountsAgree(conv, input: [c.batch, c.channels, c.height, c.width], "\(c)")
    }

    @Test func initialisationIsReproducibleAndBoundedByFanIn() throws {
        let first = try Conv2dCase(channels: 6, outputChannels: 4, groups: 2).makeLayer(seed: 5)
        let second = try Conv2dCase(channels: 6, outputChannels: 4, groups: 2).makeLayer(seed: 5)
        #expect(first.weight.value.scalars == second.weight.value.scalars)
        #expect(first.bias?.value.scalars == second.bias?.value.scalars)
        #expect(first.weight.value.shape == [4, 3, 3, 3])
        let bound = 1 / Float(3 * 3 * 3).squareRoot()  // fanIn = C/groups·kH·kW
        #expect(first.weight.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(first.bias!.value.scalars.allSatisfy { abs($0) <= bound })
    }

    @Test func parametersAreWeightThenBias() throws {
        let conv = try Conv2dCase().makeLayer()
        #expect(conv.parameters.map(\.name) == ["weight", "bias"])
        #expect(try Conv2dCase(bias: false).makeLayer().parameters.map(\.name) == ["weight"])
    }

    @Test func rejectsZeroChannels() {
        expectLayerError(["Conv2d", "inputChannels must be >= 1, got 0"]) { _ = try Conv2d(0, 4, kernelSize: 3) }
        expectLayerError(["Conv2d", "outputChannels must be >= 1, got 0"]) { _ = try Conv2d(3, 0, kernelSize: 3) }
        expectLayerError(["Conv2d", "kernelSize must be >= 1, got 0"]) { _ = try Conv2d(3, 4, kernelSize: 0) }
    }

    @Test func rejectsGroupsNotDividingChannels() {
        expectLayerError(["Conv2d", "inputChannels (6)", "groups (4)"]) {
            _ = try Conv2d(6, 8, kernelSize: 3, groups: 4)
        }
        expectLayerError(["Conv2d", "outputChannels (6)", "groups (4)"]) {
            _ = try Conv2d(8, 6, kernelSize: 3, groups: 4)
        }
        expectLayerError(["Conv2d", "groups must be >= 1, got 0"]) { _ = try Conv2d(8, 8, kernelSize: 3, groups: 0) }
    }

    @Test func rejectsInvalidWindowArguments() {
        expectLayerError(["Conv2d", "stride must be >= 1, got 0"]) { _ = try Conv2d(3, 4, kernelSize: 3, stride: 0) }
        expectLayerError(["Conv2d", "dilation must be >= 1, got 0"]) {
            _ = try Conv2d(3, 4, kernelSize: 3, dilation: 0)
        }
        expectLayerError(["Conv2d", "padding must be >= 0, got -1"]) {
            _ = try Conv2d(3, 4, kernelSize: 3, padding: -1)
        }
    }

    @Test func rejectsMisshapedGivenTensors() throws {
        expectLayerError(["Conv2d", "weight must be [O, C/groups, kH, kW]", "[4, 3, 3]"]) {
            _ = try Conv2d(weight: Tensor.zeros([4, 3, 3]), bias: nil)
        }
        expectLayerError(["Conv2d", "bias must be [4], got [3]"]) {
            _ = try Conv2d(weight: Tensor.zeros([4, 3, 3, 3]), bias: Tensor.zeros([3]))
        }
    }

    @Test func rejectsWrongInputChannelsInForwardAndCost() throws {
        let conv = try Conv2dCase().makeLayer()
        expectLayerError([], startingWith: "Conv2d: expected input [N, 3, H, W], got [1, 4, 7, 9]") {
            _ = try conv(randomTensor([1, 4, 7, 9], seed: 1))
        }
        expectLayerError([], startingWith: "Conv2d: expected input [N, 3, H, W], got [3, 7, 9]") {
            _ = try conv.cost(for: [3, 7, 9])
        }
    }

    @Test func rejectsKernelLargerThanPaddedInput() throws {
        let conv = try Conv2d(2, 3, kernelSize: 5, padding: 0)
        let small = randomTensor([1, 2, 3, 4], seed: 1)
        expectLayerError(["Conv2d", "kernel 5", "larger than the padded input 3x4"]) { _ = try conv(small) }
        expectLayerError(["Conv2d", "kernel 5", "larger than the padded input 3x4"]) {
            _ = try conv.cost(for: small.shape)
        }
        // With padding 1 the padded plane is 5x6 and the kernel fits.
        #expect(try Conv2d(2, 3, kernelSize: 5, padding: 1)(small).shape == [1, 3, 1, 2])
    }

    /// House style: `<path> (<Kind>): <message>`, the kind stated once.
    @Test func kernelErrorNamesTheLayerOnce() throws {
        let conv = try Conv2d(2, 3, kernelSize: 5)
        let error = expectLayerError(["kernel 5"]) { _ = try conv(randomTensor([1, 2, 3, 3], seed: 1)) }
        #expect(
            error.map { !$0.description.contains("Conv2d: Conv2d:") } ?? false,
            "stuttering message: \(String(describing: error))")
    }

    @Test func descriptionShowsOnlyNonDefaultArguments() throws {
        #expect(try Conv2d(3, 64, kernelSize: 3).description == "Conv2d(3, 64, kernelSize: 3)")
        #expect(try Conv2d(3, 64, kernelSize: 3, padding: 1).description == "Conv2d(3, 64, kernelSize: 3, padding: 1)")
        #expect(
            try Conv2d(
                4, 8, kernelSize: Size2D(height: 1, width: 3), stride: 2, padding: Size2D(height: 0, width: 1),
                dilation: 2, groups: 2, bias: false
            ).description
                == "Conv2d(4, 8, kernelSize: (1, 3), stride: 2, padding: (0, 1), dilation: 2, groups: 2, bias: false)")
    }
}
