import CKernels
import Testing

@testable import GreenTensor

/// The direct convolution for inputs with few channels against the naive loop: the kernel of
/// every instruction set on one band of output rows (rows outside it must keep their sentinel),
/// over tiles of 1-3 vectors and their edges, 1-7 input channels, output channels around its
/// blocks of 8, strides 1-3, padding, dilation and non-square windows; then `convolveDirect`
/// over the convolution sweep's ungrouped cases at 1 and 2 threads. Tolerance 1e-5 relative to
/// the largest output.
@Suite(.serialized) struct DirectConvolutionTests {
    struct Case: CustomStringConvertible {
        var channels: Int, outputs: Int, height: Int, width: Int
        var kernel: Size2D, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1

        var description: String {
            "C\(channels)->\(outputs) \(height)x\(width) k\(kernel) s\(stride) p\(padding) d\(dilation)"
        }
    }

    static let cases = [
        Case(channels: 3, outputs: 32, height: 13, width: 97, kernel: 3, stride: 2, padding: 1),
        Case(channels: 1, outputs: 6, height: 28, width: 28, kernel: 5, padding: 2),
        Case(channels: 3, outputs: 9, height: 11, width: 50, kernel: 3, padding: 1),
        Case(channels: 2, outputs: 13, height: 9, width: 9, kernel: 7, stride: 2, padding: 3),
        Case(channels: 4, outputs: 8, height: 10, width: 40, kernel: 3, stride: 3, padding: 1),
        Case(channels: 1, outputs: 1, height: 7, width: 35, kernel: 3, dilation: 2),
        Case(channels: 7, outputs: 17, height: 6, width: 70, kernel: 3, stride: 2),
        Case(
            channels: 3, outputs: 5, height: 9, width: 31, kernel: Size2D(height: 3, width: 1),
            stride: Size2D(height: 2, width: 1), padding: Size2D(height: 1, width: 0)),
        Case(
            channels: 2, outputs: 11, height: 8, width: 66, kernel: Size2D(height: 1, width: 4),
            stride: Size2D(height: 1, width: 2), padding: Size2D(height: 0, width: 2),
            dilation: Size2D(height: 1, width: 3)),
    ]

    /// The window of `input` (`[N, C, H, W]`) by `weight` (`[O, C, kH, kW]`) and the naive
    /// loop's sums with `bias` added.
    static func reference(
        _ input: Tensor, weight: Tensor, bias: Tensor?, stride: Size2D, padding: Size2D, dilation: Size2D
    ) throws -> (WindowGeometry, [Float]) {
        let geometry = try WindowGeometry(
            input: Size2D(height: input.shape[2], width: input.shape[3]),
            kernel: Size2D(height: weight.shape[2], width: weight.shape[3]), stride: stride, padding: padding,
            dilation: dilation)
        let sums = Naive.conv2d(
            input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: 1)
        return (geometry, sums.scalars)
    }

    @Test(arguments: KernelInstructionSet.supported)
    func everyInstructionSetMatchesTheNaiveLoop(_ instructionSet: KernelInstructionSet) throws {
        let table = Kernels.table(for: instructionSet)
        for (index, item) in Self.cases.enumerated() {
            let seed = UInt64(900 + 4 * index)
            let input = randomTensor([1, item.channels, item.height, item.width], seed: seed)
            let weight = randomTensor(
                [item.outputs, item.channels, item.kernel.height, item.kernel.width], seed: seed + 1)
            let shift = randomTensor([item.outputs], seed: seed + 2)
            let (geometry, sums) = try Self.reference(
                input, weight: weight, bias: shift, stride: item.stride, padding: item.padding,
                dilation: item.dilation)
            let expected = sums.map { Swift.min(Swift.max($0, -0.5), 1.5) }
            let taps = item.channels * geometry.taps
            let packed = DirectConvolutionWeights(weight.storage.base, outputChannels: item.outputs, taps: taps)
            // A band in the middle where there are rows enough, else every row.
            let rows = geometry.output.height
            let band = rows >= 3 ? 1..<(rows - 1) : 0..<rows
            var window = geometry.cValue
            let sentinel: Float = 1234
            var output = [Float](repeating: sentinel, count: item.outputs * geometry.outputPositions)
            var workspace = [Float](
                repeating: .nan, count: gn_direct_workspace_size(&window, Int32(item.channels), Int32(band.count)))
            withExtendedLifetime((input, weight, shift, packed)) {
                table.directConvolution(
                    input.storage.base, Int32(item.channels), &window, packed.base, Int32(item.outputs),
                    shift.storage.base, -0.5, 1.5, Int32(band.lowerBound), Int32(band.upperBound), &workspace,
                    &output)
            }
            let width = geometry.output.width
            var inside: [Float] = [], reference: [Float] = [], outsideKept = true
            for channel in 0..<item.outputs {
                for row in 0..<rows {
                    let start = (channel * rows + row) * width
                    if band.contains(row) {
                        inside += output[start..<(start + width)]
                        reference += expected[start..<(start + width)]
                    } else {
                        outsideKept = outsideKept && output[start..<(start + width)].allSatisfy { $0 == sentinel }
                    }
                }
            }
            let error = PackedGEMMTests.relativeError(inside, reference)
            #expect(error <= 1e-5, "\(instructionSet) \(item): \(error)")
            #expect(outsideKept, "\(instructionSet) \(item) wrote outside its band")
        }
    }

    @Test(arguments: [1, 2])
    func convolveDirectMatchesTheNaiveLoop(threads: Int) throws {
        try withParallelism(threads: threads) {
            for (index, item) in ConvolutionCase.sweep.enumerated() where item.groups == 1 {
                let seed = UInt64(960 + 4 * index)
                let input = randomTensor([item.batch, item.channels, item.height, item.width], seed: seed)
                let weight = randomTensor(
                    [item.outputChannels, item.channels, item.kernel.height, item.kernel.width], seed: seed + 1)
                let shift = item.bias ? randomTensor([item.outputChannels], seed: seed + 2) : nil
                let (geometry, sums) = try Self.reference(
                    input, weight: weight, bias: shift, stride: item.stride, padding: item.padding,
                    dilation: item.dilation)
                let expected = sums.map { Swift.max($0, 0) }
                let output = Tensor(uninitializedShape: [
                    item.batch, item.outputChannels, geometry.output.height, geometry.output.width,
                ])
                let packed = DirectConvolutionWeights(
                    weight.storage.base, outputChannels: item.outputChannels, taps: item.channels * geometry.taps)
                let operands = ConvolutionOperands(
                    input: input.storage.base, inputImageStride: input.elementCount / item.batch,
                    weight: weight.storage.base, scale: nil, shift: shift.map { UnsafePointer($0.storage.base) },
                    lower: 0, upper: .infinity, output: output.storage.base,
                    outputImageStride: output.elementCount / item.batch, batch: item.batch, channels: item.channels,
                    outputChannels: item.outputChannels, groups: 1, geometry: geometry)
                withExtendedLifetime((input, weight, shift, packed)) {
                    convolveDirect(operands, weights: packed, workspace: Workspace())
                }
                let error = PackedGEMMTests.relativeError(output.scalars, expected)
                #expect(error <= 1e-5, "threads \(threads) \(item): \(error)")
            }
        }
    }
}
