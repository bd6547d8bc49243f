import CKernels
import Testing

@testable import GreenTensor

/// `depthwiseConv2dBackward` and its two C kernels, for every instruction set this machine
/// supports, against the naive adjoint loops (groups = C). Tolerance 1e-4 relative.
@Suite struct DepthwiseConv2dBackwardTests {
    static let cases: [ConvolutionCase] = ConvolutionCase.sweep.map { base in
        var c = base
        (c.channels, c.outputChannels, c.groups) = (5, 5, 5)
        c.batch = Swift.max(2, base.batch)
        return c
    }

    @Test(arguments: cases)
    func gradientsMatchNaiveReference(_ c: ConvolutionCase) throws {
        let input = randomTensor([c.batch, c.channels, c.height, c.width], seed: 311)
        let weight = randomTensor([c.channels, 1, c.kernel.height, c.kernel.width], seed: 312)
        let output = try depthwiseConv2d(
            input, weight: weight, stride: c.stride, padding: c.padding, dilation: c.dilation)
        let outputGradient = randomTensor(output.shape, seed: 313)
        let gradients = try depthwiseConv2dBackward(
            outputGradient, input: input, weight: weight, hasBias: c.bias, stride: c.stride, padding: c.padding,
            dilation: c.dilation)
        let expected = Naive.conv2dBackward(
            outputGradient, input: input, weight: weight, stride: c.stride, padding: c.padding, dilation: c.dilation,
            groups: c.channels)
        expectClose(try #require(gradients.input), expected.input, tolerance: 1e-4, "\(c) input")
        expectClose(gradients.weight, expected.weight, tolerance: 1e-4, "\(c) weight")
        if c.bias { expectClose(try #require(gradients.bias), expected.bias, tolerance: 1e-4, "\(c) bias") }
    }

    @Test(arguments: KernelInstructionSet.supported, [cases[3], cases[11], cases[13]])
    func everyInstructionSetMatchesTheReference(_ instructionSet: KernelInstructionSet, _ c: ConvolutionCase) throws {
        let table = Kernels.table(for: instructionSet)
        let geometry = try WindowGeometry(
            input: Size2D(height: c.height, width: c.width), kernel: c.kernel, stride: c.stride, padding: c.padding,
            dilation: c.dilation)
        var window = geometry.cValue
        let plane = randomTensor([1, 1, c.height, c.width], seed: 314)
        let kernel = randomTensor([1, 1, c.kernel.height, c.kernel.width], seed: 315)
        let outputGradient = randomTensor([1, 1, geometry.output.height, geometry.output.width], seed: 316)
        let expected = Naive.conv2dBackward(
            outputGradient, input: plane, weight: kernel, stride: c.stride, padding: c.padding, dilation: c.dilation,
            groups: 1)
        var workspace = [Float](repeating: .nan, count: Swift.max(geometry.paddedPlaneCount, 1))
        var inputGradient = [Float](repeating: .nan, count: plane.elementCount)
        var kernelGradient = [Float](repeating: 0.5, count: kernel.elementCount)
        outputGradient.withUnsafeBufferPointer { dy in
            kernel.withUnsafeBufferPointer { k in
                table.depthwisePlaneBackwardInput(dy.baseAddress!, k.baseAddress!, &window, &workspace, &inputGradient)
            }
            plane.withUnsafeBufferPointer { x in
                table.depthwisePlaneBackwardWeight(
                    x.baseAddress!, dy.baseAddress!, &window, &workspace, &kernelGradient)
            }
        }
        expectClose(
            try Tensor(shape: plane.shape, scalars: inputGradient), expected.input, tolerance: 1e-5,
            "\(instructionSet) \(c) input")
        expectClose(
            try Tensor(shape: kernel.shape, scalars: kernelGradient), expected.weight + 0.5, tolerance: 1e-5,
            "\(instructionSet) \(c) weight (accumulated onto 0.5)")
    }

    @Test func rejectsAMisShapedOutputGradient() {
        expectTensorError(["depthwiseConv2dBackward", "output gradient [2, 3, 4, 4]"]) {
            _ = try depthwiseConv2dBackward(
                randomTensor([2, 3, 4, 5], seed: 317), input: randomTensor([2, 3, 6, 6], seed: 318),
                weight: randomTensor([3, 1, 3, 3], seed: 319), hasBias: true)
        }
    }
}
