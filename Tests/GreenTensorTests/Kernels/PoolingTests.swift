import Testing

@testable import GreenTensor

/// One pooling configuration.
struct PoolingCase: CustomStringConvertible, Sendable {
    var kernel: Size2D, stride: Size2D, padding: Size2D, dilation: Size2D = 1
    var description: String { "k\(kernel) s\(stride) p\(padding) d\(dilation)" }

    static let sweep: [PoolingCase] = [
        PoolingCase(kernel: 2, stride: 2, padding: 0),
        PoolingCase(kernel: 3, stride: 2, padding: 1),
        PoolingCase(kernel: 3, stride: 1, padding: 1),
        PoolingCase(kernel: 3, stride: 2, padding: 0),
        PoolingCase(
            kernel: Size2D(height: 2, width: 3), stride: Size2D(height: 1, width: 2),
            padding: Size2D(height: 1, width: 0)),
        PoolingCase(kernel: 2, stride: 1, padding: 0, dilation: 2),
        PoolingCase(kernel: 5, stride: 3, padding: 2),
    ]
}

/// Pooling against its definition in `Naive.pool`. Tolerance 1e-6 (max is exact; means of <= 25 values).
@Suite struct PoolingTests {
    let input = randomTensor([3, 2, 7, 9], seed: 21)

    @Test(arguments: PoolingCase.sweep)
    func maxPoolMatchesNaiveReference(_ c: PoolingCase) throws {
        let output = try maxPool2d(
            input, kernelSize: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation)
        let expected = Naive.pool(
            input, kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, average: false,
            countIncludesPadding: false)
        expectClose(output, expected, tolerance: 0, "\(c)")
    }

    @Test(arguments: KernelInstructionSet.supported)
    func maxPoolPlaneOfEveryInstructionSetMatchesNaiveReference(_ instructionSet: KernelInstructionSet) throws {
        // The separable path and the vectorised 3x3 stride-2 kernels on planes of one block and of
        // several with a ragged end (9, 37 and 112 wide: ResNet's stem pool is 112x112, padding 1),
        // and the direct path on a plane wider than 4096 (NaN propagation: maxPoolPropagatesNaN).
        let planes = [
            randomTensor([1, 1, 7, 9], seed: 21), randomTensor([1, 1, 9, 37], seed: 23),
            randomTensor([1, 1, 12, 112], seed: 24), randomTensor([1, 1, 6, 4100], seed: 22),
        ]
        for plane in planes {
            for c in PoolingCase.sweep {
                let (height, width) = (plane.shape[2], plane.shape[3])
                let geometry = try WindowGeometry(
                    input: Size2D(height: height, width: width), kernel: c.kernel, stride: c.stride,
                    padding: c.padding, dilation: c.dilation, operation: "test")
                var window = geometry.cValue
                let expected = Naive.pool(
                    plane, kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation,
                    average: false, countIncludesPadding: false)
                var output = [Float](repeating: 0, count: geometry.outputPositions)
                Kernels.table(for: instructionSet).maxPoolPlane(plane.scalars, &window, &output)
                #expect(output == expected.scalars, "\(instructionSet) \(c) on \(plane.shape)")
            }
        }
    }

    @Test(arguments: PoolingCase.sweep.filter { $0.dilation == 1 }, [true, false])
    func averagePoolMatchesNaiveReference(_ c: PoolingCase, _ countIncludesPadding: Bool) throws {
        let output = try avgPool2d(
            input, kernelSize: c.kernel, stride: c.stride, padding: c.padding,
            countIncludesPadding: countIncludesPadding)
        let expected = Naive.pool(
            input, kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: 1, average: true,
            countIncludesPadding: countIncludesPadding)
        expectClose(output, expected, tolerance: 1e-6, "\(c) countIncludesPadding=\(countIncludesPadding)")
    }

    /// Windows that tile the rows (2x2 at stride 2; 2x3 at vertical stride 2 with horizontal
    /// padding; 1x3 at stride 1x2) pool runs of planes stacked into one tall plane: 40 planes of
    /// 4x6 and 5 of 8x9, max and both averages.
    @Test func stackedPlanesMatchNaiveReference() throws {
        let cases: [(Shape, Size2D, Size2D, Size2D)] = [
            ([2, 40, 4, 6], Size2D(2), Size2D(2), Size2D(0)),
            ([3, 5, 8, 9], Size2D(height: 2, width: 3), Size2D(height: 2, width: 1), Size2D(height: 0, width: 1)),
            ([2, 7, 5, 9], Size2D(height: 1, width: 3), Size2D(height: 1, width: 2), Size2D(height: 0, width: 1)),
        ]
        for (shape, kernel, stride, padding) in cases {
            let input = randomTensor(shape, seed: 23)
            let maximum = try maxPool2d(input, kernelSize: kernel, stride: stride, padding: padding)
            expectClose(
                maximum,
                Naive.pool(
                    input, kernel: kernel, stride: stride, padding: padding, dilation: 1, average: false,
                    countIncludesPadding: false), tolerance: 0, "max \(shape) k\(kernel)")
            for counted in [false, true] {
                let average = try avgPool2d(
                    input, kernelSize: kernel, stride: stride, padding: padding, countIncludesPadding: counted)
                expectClose(
                    average,
                    Naive.pool(
                        input, kernel: kernel, stride: stride, padding: padding, dilation: 1, average: true,
                        countIncludesPadding: counted), tolerance: 1e-6, "average \(shape) k\(kernel) \(counted)")
            }
        }
    }

    @Test func strideDefaultsToKernel() throws {
        #expect(try maxPool2d(input, kernelSize: 2).shape == [3, 2, 3, 4])
    }

    @Test func maxPoolPropagatesNaN() throws {
        var tensor = try Tensor.zeros([1, 1, 2, 2])
        try tensor.setElement(.nan, at: [0, 0, 1, 0])
        #expect(try maxPool2d(tensor, kernelSize: 2).scalars[0].isNaN)
    }

    @Test func globalAveragePoolMeansEachPlane() throws {
        let output = try globalAvgPool2d(input)
        #expect(output.shape == [3, 2, 1, 1])
        let planes = try input.reshaped(to: [6, 63]).mean(alongAxis: 1)
        expectClose(try output.reshaped(to: [6]), planes, tolerance: 1e-6)
    }

    @Test func rejectsInvalidWindows() {
        expectTensorError(["maxPool2d", "padding (2)", "at most half the kernel size (3)"]) {
            _ = try maxPool2d(input, kernelSize: 3, padding: 2)
        }
        expectTensorError(["avgPool2d", "larger than the padded input"]) { _ = try avgPool2d(input, kernelSize: 8) }
        expectTensorError(["globalAvgPool2d", "expected input [N, C, H, W], got [2, 3]"]) {
            _ = try globalAvgPool2d(randomTensor([2, 3], seed: 1))
        }
        expectTensorError(["globalAvgPool2d", "H and W must be >= 1"]) {
            _ = try globalAvgPool2d(Tensor.zeros([1, 2, 0, 3]))
        }
    }
}
