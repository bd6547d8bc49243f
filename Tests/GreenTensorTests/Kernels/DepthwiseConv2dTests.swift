import Testing

@testable import GreenTensor

/// The direct depthwise kernel and the 1-D channel convolutions against the naive grouped
/// convolution with groups = C. Tolerance 1e-5 relative.
@Suite struct DepthwiseConv2dTests {
    static let cases: [ConvolutionCase] = ConvolutionCase.sweep.map { base in
        var c = base
        c.channels = 5
        c.outputChannels = 5
        c.groups = 5
        c.batch = base.batch == 1 ? 3 : base.batch
        return c
    }

    @Test(arguments: cases)
    func forwardMatchesNaiveReference(_ c: ConvolutionCase) throws {
        let input = randomTensor([c.batch, c.channels, c.height, c.width], seed: 11)
        let weight = randomTensor([c.channels, 1, c.kernel.height, c.kernel.width], seed: 12)
        let bias = c.bias ? randomTensor([c.channels], seed: 13) : nil
        let output = try depthwiseConv2d(
            input, weight: weight, bias: bias, stride: c.stride, padding: c.padding, dilation: c.dilation)
        let expected = Naive.conv2d(
            input, weight: weight, bias: bias, stride: c.stride, padding: c.padding, dilation: c.dilation,
            groups: c.channels)
        expectClose(output, expected, tolerance: 1e-5, "\(c)")
    }

    @Test(arguments: [SpatialAxis.height, .width], [(1, 0, 1), (2, 1, 1), (1, 2, 2), (2, 2, 1)])
    func channelConv1dMatchesNaiveReference(
        _ axis: SpatialAxis, _ setting: (stride: Int, padding: Int, dilation: Int)
    ) throws {
        let input = randomTensor([2, 4, 9, 7], seed: 14)
        let weight = randomTensor([4, 3], seed: 15)
        let bias = randomTensor([4], seed: 16)
        let output = try channelConv1d(
            input, weight: weight, along: axis, bias: bias, stride: setting.stride, padding: setting.padding,
            dilation: setting.dilation)
        func pair(_ value: Int, _ other: Int) -> Size2D {
            axis == .height ? Size2D(height: value, width: other) : Size2D(height: other, width: value)
        }
        let kernel = pair(3, 1)
        let expected = Naive.conv2d(
            input, weight: try weight.reshaped(to: [4, 1, kernel.height, kernel.width]), bias: bias,
            stride: pair(setting.stride, 1), padding: pair(setting.padding, 0), dilation: pair(setting.dilation, 1),
            groups: 4)
        expectClose(output, expected, tolerance: 1e-5, "\(axis) \(setting)")
    }

    @Test func rejectsWrongWeightShapes() {
        let input = randomTensor([1, 4, 6, 6], seed: 1)
        expectTensorError(["depthwiseConv2d", "weight [4, 1, kH, kW]", "[4, 2, 3, 3]"]) {
            _ = try depthwiseConv2d(input, weight: randomTensor([4, 2, 3, 3], seed: 2))
        }
        expectTensorError(["depthwiseConv2d", "bias [4]"]) {
            _ = try depthwiseConv2d(
                input, weight: randomTensor([4, 1, 3, 3], seed: 2), bias: randomTensor([5], seed: 3))
        }
        expectTensorError(["channelConv1d", "weight [4, k]", "[3, 3]"]) {
            _ = try channelConv1d(input, weight: randomTensor([3, 3], seed: 2), along: .height)
        }
        expectTensorError(["depthwiseConv2d", "larger than the padded input"]) {
            _ = try channelConv1d(input, weight: randomTensor([4, 9], seed: 2), along: .width)
        }
    }
}
