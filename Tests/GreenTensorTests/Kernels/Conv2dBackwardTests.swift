import Testing

@testable import GreenTensor

/// `conv2dBackward` (im2col, GEMM with beta 1, col2im) against the naive adjoint loops over
/// the whole convolution sweep. Tolerance 1e-4 relative: sums of up to a few hundred products.
@Suite(.serialized) struct Conv2dBackwardTests {
    static let cases: [ConvolutionCase] = ConvolutionCase.sweep.map { base in
        var c = base
        c.batch = Swift.max(2, base.batch)
        return c
    }

    @Test(arguments: cases)
    func gradientsMatchNaiveReference(_ c: ConvolutionCase) throws {
        let input = randomTensor([c.batch, c.channels, c.height, c.width], seed: 301)
        let weight = randomTensor(
            [c.outputChannels, c.channels / c.groups, c.kernel.height, c.kernel.width], seed: 302)
        let output = try conv2d(
            input, weight: weight, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
        let outputGradient = randomTensor(output.shape, seed: 303)
        let gradients = try conv2dBackward(
            outputGradient, input: input, weight: weight, hasBias: c.bias, stride: c.stride, padding: c.padding,
            dilation: c.dilation, groups: c.groups)
        let expected = Naive.conv2dBackward(
            outputGradient, input: input, weight: weight, stride: c.stride, padding: c.padding, dilation: c.dilation,
            groups: c.groups)
        expectClose(try #require(gradients.input), expected.input, tolerance: 1e-4, "\(c) input")
        expectClose(gradients.weight, expected.weight, tolerance: 1e-4, "\(c) weight")
        if c.bias { expectClose(try #require(gradients.bias), expected.bias, tolerance: 1e-4, "\(c) bias") }
        #expect((gradients.bias == nil) == !c.bias)
    }

    @Test(arguments: [1, 2, 3])
    func workerCountDoesNotChangeTheSums(_ threads: Int) throws {
        try ComputeThreads.withSettings(threads: threads) {
            let c = Self.cases[3]
            let input = randomTensor([5, c.channels, c.height, c.width], seed: 304)
            let weight = randomTensor([c.outputChannels, c.channels, 3, 3], seed: 305)
            let outputGradient = randomTensor(
                try conv2d(input, weight: weight, stride: c.stride, padding: c.padding, dilation: c.dilation).shape,
                seed: 306)
            let gradients = try conv2dBackward(
                outputGradient, input: input, weight: weight, hasBias: true, stride: c.stride, padding: c.padding,
                dilation: c.dilation, computesInputGradient: false)
            let expected = Naive.conv2dBackward(
                outputGradient, input: input, weight: weight, stride: c.stride, padding: c.padding,
                dilation: c.dilation,
                groups: 1)
            #expect(gradients.input == nil)
            expectClose(gradients.weight, expected.weight, tolerance: 1e-4, "\(threads) threads")
            expectClose(try #require(gradients.bias), expected.bias, tolerance: 1e-4, "\(threads) threads")
        }
    }

    @Test(arguments: [cases[3], cases[9], cases[12], cases[14], cases[15]])
    func keptColumnsGiveTheSameResults(_ c: ConvolutionCase) throws {
        let input = randomTensor([c.batch, c.channels, c.height, c.width], seed: 311)
        let weight = randomTensor(
            [c.outputChannels, c.channels / c.groups, c.kernel.height, c.kernel.width], seed: 312)
        let bias = randomTensor([c.outputChannels], seed: 313)
        let (output, columns) = try conv2dKeepingColumns(
            input, weight: weight, bias: bias, stride: c.stride, padding: c.padding, dilation: c.dilation,
            groups: c.groups)
        expectClose(
            output,
            try conv2d(
                input, weight: weight, bias: bias, stride: c.stride, padding: c.padding, dilation: c.dilation,
                groups: c.groups), tolerance: 1e-5, "\(c) output")
        let kept = try #require(columns, "\(c): columns kept")
        let outputGradient = randomTensor(output.shape, seed: 314)
        let withColumns = try conv2dBackward(
            outputGradient, input: input, weight: weight, hasBias: true, stride: c.stride, padding: c.padding,
            dilation: c.dilation, groups: c.groups, columns: kept)
        let rebuilt = try conv2dBackward(
            outputGradient, input: input, weight: weight, hasBias: true, stride: c.stride, padding: c.padding,
            dilation: c.dilation, groups: c.groups)
        #expect(
            withColumns.weight.scalars == rebuilt.weight.scalars && withColumns.input?.scalars == rebuilt.input?.scalars
        )
    }

    @Test func pointwiseConvsKeepNoColumns() throws {
        let (_, columns) = try conv2dKeepingColumns(
            randomTensor([2, 3, 4, 4], seed: 315), weight: randomTensor([5, 3, 1, 1], seed: 316))
        #expect(columns == nil)
        expectTensorError(["conv2dBackward", "columns [2, 27, 4]", "[2, 27, 5]"]) {
            _ = try conv2dBackward(
                randomTensor([2, 5, 2, 2], seed: 317), input: randomTensor([2, 3, 4, 4], seed: 315),
                weight: randomTensor([5, 3, 3, 3], seed: 318), hasBias: false,
                columns: randomTensor([2, 27, 5], seed: 319))
        }
    }

    @Test func rejectsAMisShapedOutputGradient() {
        let input = randomTensor([2, 3, 5, 5], seed: 307), weight = randomTensor([4, 3, 3, 3], seed: 308)
        expectTensorError(["conv2dBackward", "output gradient [2, 4, 3, 3]", "[2, 4, 3, 2]"]) {
            _ = try conv2dBackward(randomTensor([2, 4, 3, 2], seed: 309), input: input, weight: weight, hasBias: false)
        }
        expectTensorError(["conv2dBackward", "weight [O, 3, kH, kW]"]) {
            _ = try conv2dBackward(
                randomTensor([2, 4, 3, 3], seed: 309), input: input, weight: randomTensor([4, 2, 3, 3], seed: 310),
                hasBias: false)
        }
    }
}
