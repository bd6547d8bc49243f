import Testing

@testable import GreenNN

/// `FlattenedConv2d.backward` (lateral 1x1 GEMM, then the vertical and horizontal 1-D stages on
/// the direct depthwise backward kernels) against central differences (ε 1e-2, tolerance
/// 2e-2), batch 2.
@Suite struct FlattenedConv2dBackwardTests {
    @Test(arguments: [(3, 1, 1, true), (3, 2, 0, false), (5, 1, 2, true)])
    func backwardMatchesFiniteDifferences(_ c: (kernel: Int, stride: Int, padding: Int, bias: Bool)) throws {
        var random = generator(171)
        let block = try FlattenedConv2d(
            3, 4, kernelSize: c.kernel, stride: c.stride, padding: c.padding, bias: c.bias, using: &random)
        try GradientCheck.expectGradientsMatch(block, input: randomTensor([2, 3, 6, 7], seed: 172), "\(c)")
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try FlattenedConv2d(2, 3, kernelSize: 3), input: randomTensor([2, 2, 5, 5], seed: 173))
    }
}
