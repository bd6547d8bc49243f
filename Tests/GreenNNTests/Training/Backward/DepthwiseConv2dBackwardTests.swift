import Testing

@testable import GreenNN

/// `DepthwiseConv2d.backward` (the direct backward kernels) against central differences
/// (ε 1e-2, tolerance 2e-2), batch 2: square, strided, dilated and padded windows, and the
/// k x 1 / 1 x k kernels of a flattened conv.
@Suite struct DepthwiseConv2dBackwardTests {
    struct Case: CustomStringConvertible, Sendable {
        var kernel: Size2D = 3, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1, bias = true
        var description: String { "k\(kernel) s\(stride) p\(padding) d\(dilation) bias=\(bias)" }
    }

    static let cases: [Case] = [
        Case(), Case(padding: 1), Case(stride: 2, padding: 1, bias: false), Case(padding: 2, dilation: 2),
        Case(kernel: Size2D(height: 3, width: 1), padding: Size2D(height: 1, width: 0)),
        Case(
            kernel: Size2D(height: 1, width: 3), stride: Size2D(height: 1, width: 2),
            padding: Size2D(height: 0, width: 1)),
    ]

    @Test(arguments: cases)
    func backwardMatchesFiniteDifferences(_ c: Case) throws {
        var random = generator(31)
        let layer = try DepthwiseConv2d(
            3, kernelSize: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, bias: c.bias,
            using: &random)
        try GradientCheck.expectGradientsMatch(layer, input: randomTensor([2, 3, 6, 7], seed: 32), "\(c)")
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try DepthwiseConv2d(2, kernelSize: 3), input: randomTensor([2, 2, 5, 5], seed: 33))
    }
}
