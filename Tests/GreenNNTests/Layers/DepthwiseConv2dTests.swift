import Testing

@testable import GreenNN

/// One `DepthwiseConv2d` configuration.
struct DepthwiseCase: CustomStringConvertible, Sendable {
    var batch = 1, channels = 4, height = 7, width = 9
    var kernel: Size2D = 3, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1
    var bias = true

    var description: String {
        "N\(batch) C\(channels) \(height)x\(width) k\(kernel) s\(stride) p\(padding) d\(dilation) bias=\(bias)"
    }
    var outputHeight: Int {
        Naive.outputSize(
            height, kernel: kernel.height, stride: stride.height, padding: padding.height, dilation: dilation.height)
    }
    var outputWidth: Int {
        Naive.outputSize(
            width, kernel: kernel.width, stride: stride.width, padding: padding.width, dilation: dilation.width)
    }

    static let sweep: [DepthwiseCase] = [
        DepthwiseCase(),
        DepthwiseCase(batch: 3, padding: 1),
        DepthwiseCase(stride: 2, padding: 1),
        DepthwiseCase(batch: 3, stride: 2, padding: 2, dilation: 2, bias: false),
        DepthwiseCase(batch: 3, channels: 5, kernel: 5, padding: 2),
        DepthwiseCase(
            channels: 3, kernel: Size2D(height: 3, width: 1), stride: Size2D(height: 2, width: 1),
            padding: Size2D(height: 1, width: 0)),
        DepthwiseCase(
            batch: 3, channels: 3, kernel: Size2D(height: 1, width: 5), stride: Size2D(height: 1, width: 2),
            padding: Size2D(height: 0, width: 2)),
        DepthwiseCase(channels: 2, kernel: 1, bias: false),
    ]

    func makeLayer(seed: UInt64 = 71) throws -> DepthwiseConv2d {
        var random = generator(seed)
        return try DepthwiseConv2d(
            channels, kernelSize: kernel, stride: stride, padding: padding, dilation: dilation, bias: bias,
            using: &random)
    }
}

/// `DepthwiseConv2d` against `Naive.conv2d` with `groups = C` (the definition of a depthwise
/// conv). Tolerance 1e-5 relative: at most 25 products in [-1, 1].
@Suite struct DepthwiseConv2dTests {
    @Test func tinyRampIsHandCheckable() throws {
        // Channel 0 sums each 2x2 window, channel 1 takes its top-left cell times 2.
        let weight = try Tensor(shape: [2, 1, 2, 2], scalars: [1, 1, 1, 1, 2, 0, 0, 0])
        let conv = try DepthwiseConv2d(weight: weight, bias: nil)
        let output = try conv(rampTensor([1, 2, 3, 3]))  // channel 0: 0…8, channel 1: 9…17
        #expect(output.scalars == [8, 12, 20, 24, 18, 20, 24, 26])
    }

    @Test(arguments: DepthwiseCase.sweep)
    func forwardMatchesNaiveReference(_ c: DepthwiseCase) throws {
        let conv = try c.makeLayer()
        let input = randomTensor([c.batch, c.channels, c.height, c.width], seed: 72)
        let expected = Naive.conv2d(
            input, weight: conv.weight.value, bias: conv.bias?.value, stride: c.stride, padding: c.padding,
            dilation: c.dilation, groups: c.channels)
        expectClose(try conv(input), expected, tolerance: 1e-5, "\(c)")
    }

    @Test(arguments: DepthwiseCase.sweep)
    func costMatchesClosedForm(_ c: DepthwiseCase) throws {
        let conv = try c.makeLayer()
        let cost = try conv.cost(for: [c.batch, c.channels, c.height, c.width])
        let outputs = c.batch * c.channels * c.outputHeight * c.outputWidth
        let macs = outputs * c.kernel.height * c.kernel.width
        let parameters = c.channels * c.kernel.height * c.kernel.width + (c.bias ? c.channels : 0)
        #expect(cost.output == [c.batch, c.channels, c.outputHeight, c.outputWidth], "\(c)")
        #expect(cost.macs == macs && cost.flops == 2 * macs + (c.bias ? outputs : 0), "\(c)")
        #expect(cost.parameters == parameters && cost.weightBytes == 4 * parameters, "\(c)")
        try CostChecks.expectCostMatchesForward(
            conv, input: randomTensor([c.batch, c.channels, c.height, c.width], seed: 73), "\(c)")
        try CostChecks.expectParameterCountsAgree(conv, input: [c.batch, c.channels, c.height, c.width], "\(c)")
    }

    @Test func equalsAGroupedConv2dWithTheSameWeights() throws {
        let depthwise = try DepthwiseCase(channels: 4, stride: 2, padding: 1).makeLayer()
        let grouped = try Conv2d(
            weight: depthwise.weight.value, bias: depthwise.bias?.value, stride: 2, padding: 1, groups: 4)
        let input = randomTensor([3, 4, 7, 9], seed: 74)
        expectClose(try depthwise(input), try grouped(input), tolerance: 1e-5)
        #expect(try depthwise.cost(for: input.shape).macs == grouped.cost(for: input.shape).macs)
    }

    @Test func rejectsInvalidConfigurations() {
        expectLayerError(["DepthwiseConv2d", "channels must be >= 1, got 0"]) {
            _ = try DepthwiseConv2d(0, kernelSize: 3)
        }
        expectLayerError(["DepthwiseConv2d", "kernelSize must be >= 1, got 0"]) {
            _ = try DepthwiseConv2d(4, kernelSize: 0)
        }
        expectLayerError(["DepthwiseConv2d", "stride must be >= 1, got 0"]) {
            _ = try DepthwiseConv2d(4, kernelSize: 3, stride: 0)
        }
        expectLayerError(["DepthwiseConv2d", "padding must be >= 0, got -1"]) {
            _ = try DepthwiseConv2d(4, kernelSize: 3, padding: -1)
        }
        expectLayerError(["DepthwiseConv2d", "weight must be [C, 1, kH, kW]", "[4, 2, 3, 3]"]) {
            _ = try DepthwiseConv2d(weight: Tensor.zeros([4, 2, 3, 3]), bias: nil)
        }
    }

    @Test func rejectsWrongInputAndOversizedKernel() throws {
        let conv = try DepthwiseCase().makeLayer()
        expectLayerError([], startingWith: "DepthwiseConv2d: expected input [N, 4, H, W], got [1, 3, 7, 9]") {
            _ = try conv(randomTensor([1, 3, 7, 9], seed: 1))
        }
        expectLayerError(["DepthwiseConv2d", "kernel 3", "larger than the padded input 2x9"]) {
            _ = try conv.cost(for: [1, 4, 2, 9])
        }
        expectLayerError(["DepthwiseConv2d", "kernel 3", "larger than the padded input 2x9"]) {
            _ = try conv(randomTensor([1, 4, 2, 9], seed: 1))
        }
    }

    @Test func descriptionShowsOnlyNonDefaultArguments() throws {
        #expect(
            try DepthwiseConv2d(32, kernelSize: 3, padding: 1).description
                == "DepthwiseConv2d(32, kernelSize: 3, padding: 1)")
        #expect(
            try DepthwiseConv2d(8, kernelSize: Size2D(height: 3, width: 1), stride: 2, dilation: 2, bias: false)
                .description
                == "DepthwiseConv2d(8, kernelSize: (3, 1), stride: 2, dilation: 2, bias: false)")
    }
}
