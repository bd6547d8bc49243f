import CKernels
import Testing

@testable import GreenTensor

/// Every kernel table this CPU can run (generic, AVX2, AVX-512) against the naive references,
/// not only the one GreenTensor picked. Tolerances as in the per-kernel suites.
@Suite struct InstructionSetTests {
    @Test func activeSetIsTheWidestSupported() {
        #expect(KernelInstructionSet.supported.contains(.generic))
        #expect(KernelInstructionSet.supported.last == KernelInstructionSet.active)
    }

    @Test(arguments: KernelInstructionSet.supported)
    func everyTableMatchesTheReferences(_ instructionSet: KernelInstructionSet) throws {
        let table = Kernels.table(for: instructionSet)
        let c = ConvolutionCase(
            channels: 3, height: 9, width: 13, kernel: 3, stride: Size2D(height: 1, width: 2), padding: 2,
            dilation: Size2D(height: 2, width: 1))
        let geometry = try WindowGeometry(
            input: Size2D(height: c.height, width: c.width), kernel: c.kernel, stride: c.stride, padding: c.padding,
            dilation: c.dilation)
        var window = geometry.cValue
        let image = randomTensor([c.channels, c.height, c.width], seed: 41)

        var columns = [Float](repeating: .nan, count: c.channels * geometry.taps * geometry.outputPositions)
        image.withUnsafeBufferPointer {
            table.im2col(
                $0.baseAddress!, Int32(c.channels), &window, 0, Int32(geometry.output.height), &columns,
                geometry.outputPositions)
        }
        #expect(
            columns
                == (try im2col(image, geometry: Kernels.instructionSet == instructionSet ? geometry : geometry)).scalars
        )

        var folded = [Float](repeating: 0, count: image.elementCount)
        table.col2im(columns, Int32(c.channels), &window, &folded)
        let expectedFold = try col2im(
            Tensor(shape: [c.channels * geometry.taps, geometry.outputPositions], scalars: columns),
            channels: c.channels, geometry: geometry)
        expectClose(
            try Tensor(shape: image.shape, scalars: folded), expectedFold, tolerance: 1e-5, "\(instructionSet) col2im")

        let kernel = randomTensor([1, 1, 3, 3], seed: 42)
        var workspace = [Float](repeating: 0, count: geometry.depthwiseWorkspaceCount)
        var plane = [Float](repeating: .nan, count: geometry.outputPositions)
        image.withUnsafeBufferPointer { pixels in
            kernel.withUnsafeBufferPointer {
                table.depthwisePlane(
                    pixels.baseAddress!, $0.baseAddress!, 0.5, -.infinity, .infinity, &window, &workspace, &plane)
            }
        }
        let first = try Tensor(
            shape: [1, 1, c.height, c.width], scalars: Array(image.scalars[0..<(c.height * c.width)]))
        let expectedPlane = Naive.conv2d(
            first, weight: kernel, bias: try Tensor(shape: [1], scalars: [0.5]), stride: c.stride, padding: c.padding,
            dilation: c.dilation, groups: 1)
        expectClose(
            try Tensor(shape: expectedPlane.shape, scalars: plane), expectedPlane, tolerance: 1e-5,
            "\(instructionSet) depthwise")

        let pool = try WindowGeometry(input: Size2D(height: c.height, width: c.width), kernel: 3, stride: 2, padding: 1)
        var poolWindow = pool.cValue
        var pooled = [Float](repeating: .nan, count: pool.outputPositions)
        first.withUnsafeBufferPointer { table.maxPoolPlane($0.baseAddress!, &poolWindow, &pooled) }
        let expectedMax = Naive.pool(
            first, kernel: 3, stride: 2, padding: 1, dilation: 1, average: false, countIncludesPadding: false)
        #expect(pooled == expectedMax.scalars, "\(instructionSet) max pool")
        first.withUnsafeBufferPointer { table.averagePoolPlane($0.baseAddress!, &poolWindow, 1, &pooled) }
        let expectedMean = Naive.pool(
            first, kernel: 3, stride: 2, padding: 1, dilation: 1, average: true, countIncludesPadding: true)
        expectClose(
            try Tensor(shape: expectedMean.shape, scalars: pooled), expectedMean, tolerance: 1e-6,
            "\(instructionSet) average pool")

        let values = randomTensor([1037], seed: 43).scalars
        #expect(abs(table.sum(values, values.count) - values.reduce(0, +)) < 1e-3)
        var clampedValues = values
        table.affineClamp(&clampedValues, clampedValues.count, 1.5, 0.25, 0, 1)
        #expect(clampedValues == values.map { Swift.min(Swift.max($0 * 1.5 + 0.25, 0), 1) })
    }
}
