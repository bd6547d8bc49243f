import Testing

@testable import GreenNN

/// `AvgPool2d.backward` against central differences (ε 1e-2, tolerance 2e-2), batch 2, with
/// overlapping windows, padding counted or not, and ceil mode.
@Suite struct AvgPool2dBackwardTests {
    @Test(arguments: [
        (Size2D(2), Size2D?.none, Size2D(0), true, false), (3, 2, 1, true, false), (3, 2, 1, false, false),
        (3, 2, 0, true, true), (3, 1, 1, false, false),
    ])
    func backwardMatchesFiniteDifferences(
        _ c: (kernel: Size2D, stride: Size2D?, padding: Size2D, countIncludesPadding: Bool, ceilMode: Bool)
    ) throws {
        let pool = try AvgPool2d(
            kernelSize: c.kernel, stride: c.stride, padding: c.padding, countIncludesPadding: c.countIncludesPadding,
            ceilMode: c.ceilMode)
        try GradientCheck.expectGradientsMatch(pool, input: randomTensor([2, 2, 6, 7], seed: 81), "\(c)")
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try AvgPool2d(kernelSize: 2), input: randomTensor([2, 2, 4, 4], seed: 82))
    }
}
