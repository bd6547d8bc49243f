import CKernels
import Testing

@testable import GreenTensor

/// The pooling backward kernels against the naive adjoints, for every instruction set this
/// machine supports, and the global and adaptive pools against sums written out by hand.
/// Max pooling routes exactly (compared bit for bit); averages within 1e-6 relative.
@Suite struct PoolingBackwardTests {
    struct Case: CustomStringConvertible, Sendable {
        var kernel: Size2D = 2, stride: Size2D = 2, padding: Size2D = 0, dilation: Size2D = 1
        var description: String { "k\(kernel) s\(stride) p\(padding) d\(dilation)" }
    }

    static let cases: [Case] = [
        Case(), Case(kernel: 3, stride: 2, padding: 1), Case(kernel: 3, stride: 1, padding: 1),
        Case(kernel: Size2D(height: 3, width: 2), stride: Size2D(height: 2, width: 1)),
        Case(kernel: 2, stride: 1, dilation: 2),
    ]

    @Test(arguments: KernelInstructionSet.supported, cases)
    func maxPoolRoutesToTheFirstMaximum(_ instructionSet: KernelInstructionSet, _ c: Case) throws {
        // Values from a small set, so windows hold ties and the first-maximum rule matters.
        let input = (randomTensor([2, 3, 7, 8], seed: 321) * 3).map { $0.rounded() }
        let geometry = try WindowGeometry(
            input: Size2D(height: 7, width: 8), kernel: c.kernel, stride: c.stride, padding: c.padding,
            dilation: c.dilation)
        let outputGradient = randomTensor([2, 3, geometry.output.height, geometry.output.width], seed: 322)
        let expected = Naive.maxPoolBackward(
            outputGradient, input: input, kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation)
        if instructionSet == .active {
            let gradient = try maxPool2dBackward(
                outputGradient, input: input, kernelSize: c.kernel, stride: c.stride, padding: c.padding,
                dilation: c.dilation)
            #expect(gradient.scalars == expected.scalars, "\(c)")
        }
        var window = geometry.cValue
        let (inputPlane, outputPlane) = (56, geometry.outputPositions)
        var planes = [Float](repeating: 0, count: input.elementCount)
        input.withUnsafeBufferPointer { x in
            outputGradient.withUnsafeBufferPointer { dy in
                for plane in 0..<6 {
                    planes.withUnsafeMutableBufferPointer { dx in
                        Kernels.table(for: instructionSet).maxPoolPlaneBackward(
                            x.baseAddress! + plane * inputPlane, dy.baseAddress! + plane * outputPlane, &window, 0,
                            dx.baseAddress! + plane * inputPlane)
                    }
                }
            }
        }
        #expect(planes == expected.scalars, "\(instructionSet) \(c)")
    }

    @Test(arguments: KernelInstructionSet.supported, [true, false])
    func averagePoolSpreadsOverTheWindow(_ instructionSet: KernelInstructionSet, _ countIncludesPadding: Bool) throws {
        for c in Self.cases where c.dilation == 1 {
            let shape: Shape = [2, 3, 7, 8]
            let geometry = try WindowGeometry(
                input: Size2D(height: 7, width: 8), kernel: c.kernel, stride: c.stride, padding: c.padding)
            let outputGradient = randomTensor([2, 3, geometry.output.height, geometry.output.width], seed: 323)
            let expected = Naive.averagePoolBackward(
                outputGradient, inputShape: shape, kernel: c.kernel, stride: c.stride, padding: c.padding,
                countIncludesPadding: countIncludesPadding)
            if instructionSet == .active {
                let gradient = try avgPool2dBackward(
                    outputGradient, inputShape: shape, kernelSize: c.kernel, stride: c.stride, padding: c.padding,
                    countIncludesPadding: countIncludesPadding)
                expectClose(gradient, expected, tolerance: 1e-6, "\(c)")
            }
            var window = geometry.cValue
            var planes = [Float](repeating: 0, count: shape.elementCount)
            outputGradient.withUnsafeBufferPointer { dy in
                for plane in 0..<6 {
                    planes.withUnsafeMutableBufferPointer { dx in
                        Kernels.table(for: instructionSet).averagePoolPlaneBackward(
                            dy.baseAddress! + plane * geometry.outputPositions, &window, countIncludesPadding ? 1 : 0,
                            dx.baseAddress! + plane * 56)
                    }
                }
            }
            expectClose(try Tensor(shape: shape, scalars: planes), expected, tolerance: 1e-6, "\(instructionSet) \(c)")
        }
    }

    @Test func globalAveragePoolFillsEachPlane() throws {
        let gradient = try globalAvgPool2dBackward(
            Tensor(shape: [1, 2, 1, 1], scalars: [6, -3]), inputShape: [1, 2, 2, 3])
        #expect(gradient.scalars == [1, 1, 1, 1, 1, 1, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5])
    }

    @Test func adaptiveAveragePoolSpreadsOverOverlappingWindows() throws {
        // 3 → 2 along W: windows [0, 2) and [1, 3) share column 1.
        let gradient = try adaptiveAvgPool2dBackward(
            Tensor(shape: [1, 1, 1, 2], scalars: [2, 4]), inputShape: [1, 1, 1, 3])
        #expect(gradient.scalars == [1, 3, 2])
    }

    @Test func rejectsMisShapedGradients() {
        expectTensorError(["maxPool2dBackward", "output gradient [1, 2, 2, 2]"]) {
            _ = try maxPool2dBackward(
                randomTensor([1, 2, 3, 2], seed: 324), input: randomTensor([1, 2, 4, 4], seed: 325), kernelSize: 2)
        }
        expectTensorError(["globalAvgPool2dBackward", "output gradient [1, 2, 1, 1]"]) {
            _ = try globalAvgPool2dBackward(randomTensor([1, 3, 1, 1], seed: 326), inputShape: [1, 2, 4, 4])
        }
    }
}
