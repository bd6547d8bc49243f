import Testing

@testable import GreenNN

/// `MaxPool2d.backward` against central differences (ε 1e-2, tolerance 2e-2) on inputs whose
/// values differ by at least 0.05, so no perturbation changes a window's winner; batch 2.
@Suite struct MaxPool2dBackwardTests {
    struct Case: CustomStringConvertible, Sendable {
        var kernel: Size2D = 2, stride: Size2D? = nil, padding: Size2D = 0, dilation: Size2D = 1, ceilMode = false
        var description: String {
            "k\(kernel) s\(String(describing: stride)) p\(padding) d\(dilation) ceil=\(ceilMode)"
        }
    }

    static let cases: [Case] = [
        Case(), Case(kernel: 3, stride: 2, padding: 1), Case(kernel: 3, stride: 1), Case(kernel: 2, dilation: 2),
        Case(kernel: 3, stride: 2, ceilMode: true),
    ]

    @Test(arguments: cases)
    func backwardMatchesFiniteDifferences(_ c: Case) throws {
        let pool = try MaxPool2d(
            kernelSize: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode)
        try GradientCheck.expectGradientsMatch(pool, input: separatedTensor([2, 2, 6, 7], seed: 71), "\(c)")
    }

    @Test func gradientGoesToTheFirstMaximum() throws {
        let pool = try MaxPool2d(kernelSize: 2)
        pool.train()
        _ = try pool.forward(Tensor(shape: [1, 1, 2, 2], scalars: [3, 5, 5, 1]))
        #expect(try pool.backward(Tensor(shape: [1, 1, 1, 1], scalars: [2])).scalars == [0, 2, 0, 0])
    }

    @Test func backwardNeedsATrainingForwardPass() throws {
        try GradientCheck.expectBackwardNeedsTrainingForward(
            try MaxPool2d(kernelSize: 2), input: randomTensor([2, 2, 4, 4], seed: 72))
    }
}
