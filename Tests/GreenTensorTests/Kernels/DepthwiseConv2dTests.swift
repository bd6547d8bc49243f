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

/// Two depthwise convolutions run plane by plane (`convolveDepthwisePair`) against the two run
/// one after the other over every plane: a 3x1 then a 1x3 (a flattened conv's stages, the second
/// strided), then a 3x3 "same" then a 5x5, each with its own bias and clamp, at 1 and 2 threads.
/// Tolerance 1e-6 absolute (the same kernels in the same order).
@Suite struct DepthwisePairTests {
    static func operands(
        input: Tensor, weight: Tensor, bias: Tensor, output: Tensor, geometry: WindowGeometry, upper: Float
    ) -> ConvolutionOperands {
        let (batch, channels) = (input.shape[0], input.shape[1])
        return ConvolutionOperands(
            input: input.storage.base, inputImageStride: input.elementCount / batch, weight: weight.storage.base,
            scale: nil, shift: UnsafePointer(bias.storage.base), lower: 0, upper: upper, output: output.storage.base,
            outputImageStride: output.elementCount / batch, batch: batch, channels: channels,
            outputChannels: channels, groups: channels, geometry: geometry)
    }

    @Test(arguments: [1, 2])
    func runsAsTheTwoPassesDo(threads: Int) throws {
        try withParallelism(threads: threads) {
            let shapes: [(first: Size2D, firstPadding: Size2D, second: Size2D, secondPadding: Size2D, stride: Int)] = [
                (
                    Size2D(height: 3, width: 1), Size2D(height: 1, width: 0), Size2D(height: 1, width: 3),
                    Size2D(height: 0, width: 1), 2
                ),
                (Size2D(3), Size2D(1), Size2D(5), Size2D(2), 1),
            ]
            for (index, item) in shapes.enumerated() {
                let seed = UInt64(960 + 6 * index)
                let input = randomTensor([2, 5, 9, 11], seed: seed)
                let firstWeight = randomTensor([5, 1, item.first.height, item.first.width], seed: seed + 1)
                let secondWeight = randomTensor([5, 1, item.second.height, item.second.width], seed: seed + 2)
                let (firstBias, secondBias) = (randomTensor([5], seed: seed + 3), randomTensor([5], seed: seed + 4))
                let firstGeometry = try WindowGeometry(
                    input: Size2D(height: 9, width: 11), kernel: item.first, padding: item.firstPadding)
                let secondGeometry = try WindowGeometry(
                    input: firstGeometry.output, kernel: item.second, stride: Size2D(item.stride),
                    padding: item.secondPadding)
                let middle = Tensor(uninitializedShape: [2, 5, firstGeometry.output.height, firstGeometry.output.width])
                let (twoPasses, paired) = (
                    Tensor(uninitializedShape: [2, 5, secondGeometry.output.height, secondGeometry.output.width]),
                    Tensor(uninitializedShape: [2, 5, secondGeometry.output.height, secondGeometry.output.width])
                )
                let first = Self.operands(
                    input: input, weight: firstWeight, bias: firstBias, output: middle, geometry: firstGeometry,
                    upper: 0.8)
                withExtendedLifetime((input, firstWeight, secondWeight, firstBias, secondBias, middle)) {
                    convolveDepthwise(first, workspace: Workspace())
                    convolveDepthwise(
                        Self.operands(
                            input: middle, weight: secondWeight, bias: secondBias, output: twoPasses,
                            geometry: secondGeometry, upper: .infinity), workspace: Workspace())
                    convolveDepthwisePair(
                        first,
                        Self.operands(
                            input: middle, weight: secondWeight, bias: secondBias, output: paired,
                            geometry: secondGeometry, upper: .infinity), workspace: Workspace())
                }
                let difference = zip(paired.scalars, twoPasses.scalars).map { abs($0 - $1) }.max()!
                #expect(difference <= 1e-6, "threads \(threads) case \(index): \(difference)")
            }
        }
    }
}
