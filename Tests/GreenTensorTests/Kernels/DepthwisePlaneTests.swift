import Testing

@testable import GreenTensor

/// The depthwise plane kernel of every instruction set against `Naive.conv2d` on one channel, on
/// each of its paths: stride-1 runs over the whole plane (3x3 in one pass, other kernels tap by
/// tap, padded and unpadded; a "same" 3x3 on planes at most half a vector wide as one masked
/// run across the row ends), the strided 3x3 path, and the row-by-row path for wide planes with
/// other kernels; each unclamped and clamped in its stores. Tolerance 1e-5 relative.
@Suite struct DepthwisePlaneTests {
    /// (H, W, kernel, stride, padding, dilation).
    static let cases: [(Int, Int, Int, Int, Int, Int)] = [
        (70, 70, 3, 1, 1, 1), (8, 8, 3, 1, 0, 1), (9, 70, 3, 2, 1, 1), (6, 66, 5, 1, 2, 1), (7, 9, 3, 1, 2, 2),
        (5, 5, 5, 1, 0, 1), (13, 13, 3, 2, 0, 1), (6, 80, 5, 2, 1, 1),
        // 3x3 "same" on planes at most half a vector wide: one run across the row ends, masked.
        (7, 7, 3, 1, 1, 1), (1, 1, 3, 1, 1, 1), (5, 3, 3, 1, 1, 1), (3, 8, 3, 1, 1, 1), (11, 4, 3, 1, 1, 1),
        (2, 6, 3, 1, 1, 1),
    ]

    @Test(arguments: KernelInstructionSet.supported)
    func everyPathMatchesNaiveReference(_ instructionSet: KernelInstructionSet) throws {
        for (index, (height, width, kernel, stride, padding, dilation)) in Self.cases.enumerated() {
            let input = randomTensor([1, 1, height, width], seed: UInt64(100 + index))
            let weight = randomTensor([1, 1, kernel, kernel], seed: UInt64(200 + index))
            let geometry = try WindowGeometry(
                input: Size2D(height: height, width: width), kernel: Size2D(kernel), stride: Size2D(stride),
                padding: Size2D(padding), dilation: Size2D(dilation), operation: "test")
            var window = geometry.cValue
            var workspace = [Float](repeating: .nan, count: geometry.depthwiseWorkspaceCount)
            var output = [Float](repeating: .nan, count: geometry.outputPositions)
            let expected = Naive.conv2d(
                input, weight: weight, bias: try Tensor(shape: [1], scalars: [0.25]), stride: Size2D(stride),
                padding: Size2D(padding), dilation: Size2D(dilation), groups: 1)
            // Unclamped, then clamped to [0, 0.5] (a ReLU6-like clamp that cuts values on both sides).
            for (lower, upper) in [(-Float.infinity, Float.infinity), (0, 0.5)] {
                Kernels.table(for: instructionSet).depthwisePlane(
                    input.scalars, weight.scalars, 0.25, lower, upper, &window, &workspace, &output)
                let clamped = try Tensor(
                    shape: expected.shape, scalars: expected.scalars.map { Swift.min(Swift.max($0, lower), upper) })
                expectClose(
                    try Tensor(shape: expected.shape, scalars: output), clamped, tolerance: 1e-5,
                    "\(instructionSet) \(height)x\(width) k\(kernel) s\(stride) p\(padding) d\(dilation) \(upper)")
            }
        }
    }

    /// The 1-D stages of a flattened conv (k x 1 with row padding, 1 x 3 with column padding),
    /// which read the input rows directly, at planes as narrow as one row or column.
    @Test(arguments: KernelInstructionSet.supported)
    func oneDimensionalStagesMatchNaiveReference(_ instructionSet: KernelInstructionSet) throws {
        let cases: [(height: Int, width: Int, kernel: Size2D, padding: Size2D)] = [
            (9, 11, Size2D(height: 3, width: 1), Size2D(height: 1, width: 0)),
            (1, 7, Size2D(height: 3, width: 1), Size2D(height: 1, width: 0)),
            (70, 4, Size2D(height: 5, width: 1), Size2D(height: 2, width: 0)),
            (5, 1, Size2D(height: 1, width: 3), Size2D(height: 0, width: 1)),
            (6, 2, Size2D(height: 1, width: 3), Size2D(height: 0, width: 1)),
            (4, 70, Size2D(height: 1, width: 3), Size2D(height: 0, width: 1)),
        ]
        for (index, item) in cases.enumerated() {
            let input = randomTensor([1, 1, item.height, item.width], seed: UInt64(300 + index))
            let weight = randomTensor([1, 1, item.kernel.height, item.kernel.width], seed: UInt64(400 + index))
            let geometry = try WindowGeometry(
                input: Size2D(height: item.height, width: item.width), kernel: item.kernel, padding: item.padding,
                operation: "test")
            var window = geometry.cValue
            var workspace = [Float](repeating: .nan, count: geometry.depthwiseWorkspaceCount)
            var output = [Float](repeating: .nan, count: geometry.outputPositions)
            Kernels.table(for: instructionSet).depthwisePlane(
                input.scalars, weight.scalars, -0.5, -.infinity, .infinity, &window, &workspace, &output)
            let expected = Naive.conv2d(
                input, weight: weight, bias: try Tensor(shape: [1], scalars: [-0.5]), stride: 1,
                padding: item.padding, dilation: 1, groups: 1)
            expectClose(
                try Tensor(shape: expected.shape, scalars: output), expected, tolerance: 1e-5,
                "\(instructionSet) \(item.height)x\(item.width) kernel \(item.kernel) padding \(item.padding)")
        }
    }
}
