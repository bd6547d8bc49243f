import Testing

@testable import GreenTensor

/// Winograd F(4x4, 3x3) against `Naive.conv2d`: the transforms of every instruction set (with a
/// naive product between them) at odd sizes and partial tile ranges, `winogradConvolve` on both
/// of its parallel paths with an output pass, and its error on ReLU'd activations of a VGG-style
/// stack. Tolerance: 1e-4 · max |output| (F(4x4, 3x3) multiplies inputs by up to 5 and weights
/// by 1/24…1/4 before the 36-term sums; float rounding of those is ~1e-5 relative).
@Suite(.serialized) struct WinogradTests {
    /// (C, O, H, W, padding) with tiles cut off at the plane's edge, 1 and 7 channels.
    static let cases: [(Int, Int, Int, Int, Int)] = [
        (1, 1, 3, 3, 0), (7, 5, 5, 7, 1), (3, 8, 13, 9, 1), (16, 7, 8, 8, 0), (7, 1, 1, 1, 1), (5, 3, 6, 11, 1),
    ]

    /// The largest |actual − expected| over the largest |expected|.
    static func relativeError(_ actual: [Float], _ expected: [Float]) -> Float {
        let scale = expected.map(abs).max() ?? 1
        return zip(actual, expected).map { abs($0 - $1) }.max()! / Swift.max(scale, 1e-30)
    }

    @Test(arguments: KernelInstructionSet.supported)
    func transformsOfEveryInstructionSetMatchTheDirectConvolution(_ instructionSet: KernelInstructionSet) {
        let table = Kernels.table(for: instructionSet)
        for (index, (channels, outputs, height, width, padding)) in Self.cases.enumerated() {
            let seed = UInt64(40 + 5 * index)
            let input = randomTensor([1, channels, height, width], seed: seed)
            let weight = randomTensor([outputs, channels, 3, 3], seed: seed + 1)
            let shift = randomTensor([outputs], seed: seed + 2).scalars
            let expected = Naive.clampedConv2d(
                input, weight: weight, bias: Tensor(vector: shift), padding: Size2D(padding))
            let (outputHeight, outputWidth) = (height + 2 * padding - 2, width + 2 * padding - 2)
            let across = (outputWidth + 3) / 4
            let tiles = across * ((outputHeight + 3) / 4)
            var transformed = [Float](repeating: 0, count: 36 * outputs * channels)
            weight.scalars.withUnsafeBufferPointer {
                winogradWeights4x4(
                    $0.baseAddress!, outputChannels: outputs, inputChannels: channels, into: &transformed)
            }
            var output = [Float](repeating: .nan, count: outputs * outputHeight * outputWidth)
            // Two tile ranges, as blocks of a larger batch would cut them.
            for range in [0..<(tiles / 2), (tiles / 2)..<tiles] where !range.isEmpty {
                let count = range.count
                var v = [Float](repeating: 0, count: 36 * channels * count)
                input.scalars.withUnsafeBufferPointer {
                    table.winogradInput4x4(
                        $0.baseAddress!, Int32(channels), Int32(height), Int32(width), Int32(padding), Int32(padding),
                        Int32(across), Int32(range.lowerBound), Int32(range.upperBound), &v, channels * count, count)
                }
                var m = [Float](repeating: 0, count: 36 * outputs * count)
                for k in 0..<36 {
                    let product = Naive.gemm(
                        transposeA: false, transposeB: false, m: outputs, n: count, k: channels, alpha: 1,
                        a: Array(transformed[(k * outputs * channels)..<((k + 1) * outputs * channels)]), lda: channels,
                        b: Array(v[(k * channels * count)..<((k + 1) * channels * count)]), ldb: count, beta: 0,
                        c: [Float](repeating: 0, count: outputs * count), ldc: count)
                    m.replaceSubrange((k * outputs * count)..<((k + 1) * outputs * count), with: product)
                }
                table.winogradOutput4x4(
                    m, Int32(outputs), Int32(outputHeight), Int32(outputWidth), Int32(across),
                    Int32(range.lowerBound), Int32(range.upperBound), outputs * count, count, nil, shift, 0,
                    .infinity, &output, outputHeight * outputWidth)
            }
            let error = Self.relativeError(output, expected)
            #expect(
                error <= 1e-4, "\(instructionSet) C\(channels)->\(outputs) \(height)x\(width) pad \(padding): \(error)")
        }
    }

    /// Runs `winogradConvolve` on tensors, with `shift` and a clamp at `lower` in its output pass.
    static func winograd(_ input: Tensor, weight: Tensor, shift: Tensor?, padding: Int, lower: Float) throws -> Tensor {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outputs = weight.shape[0]
        let geometry = try WindowGeometry(
            input: Size2D(height: height, width: width), kernel: 3, padding: Size2D(padding))
        let output = Tensor(uninitializedShape: [batch, outputs, geometry.output.height, geometry.output.width])
        var transformed = [Float](repeating: 0, count: 36 * outputs * channels)
        weight.scalars.withUnsafeBufferPointer {
            winogradWeights4x4($0.baseAddress!, outputChannels: outputs, inputChannels: channels, into: &transformed)
        }
        let operands = ConvolutionOperands(
            input: input.storage.base, inputImageStride: channels * height * width, weight: weight.storage.base,
            scale: nil, shift: shift.map { UnsafePointer($0.storage.base) }, lower: lower, upper: .infinity,
            output: output.storage.base, outputImageStride: outputs * geometry.outputPositions, batch: batch,
            channels: channels, outputChannels: outputs, groups: 1, geometry: geometry)
        withExtendedLifetime((input, weight, shift)) {
            transformed.withUnsafeMutableBufferPointer {
                winogradConvolve(operands, weights: .plain(SharedPointer($0.baseAddress!)), workspace: Workspace())
            }
        }
        return output
    }

    /// Batch 3 with planes whose tiles fill several blocks (each worker runs whole blocks), and
    /// batch 1 with one block (the workers split its channels), at 1 and 2 threads.
    @Test(arguments: [1, 2])
    func convolutionMatchesTheDirectOneOnBothParallelPaths(threads: Int) throws {
        try withParallelism(threads: threads) {
            for (batch, channels, outputs, size) in [(3, 7, 9, 37), (1, 13, 11, 10), (3, 1, 7, 5)] {
                let seed = UInt64(batch * 100 + channels)
                let input = randomTensor([batch, channels, size, size + 2], seed: seed)
                let weight = randomTensor([outputs, channels, 3, 3], seed: seed + 1)
                let shift = randomTensor([outputs], seed: seed + 2)
                let expected = Naive.clampedConv2d(input, weight: weight, bias: shift, padding: 1)
                let actual = try Self.winograd(input, weight: weight, shift: shift, padding: 1, lower: 0)
                let error = Self.relativeError(actual.scalars, expected)
                #expect(error <= 1e-4, "threads \(threads) N\(batch) C\(channels)->\(outputs) \(size): \(error)")
            }
        }
    }

    /// Three 3x3 convs with ReLU between them, He-initialised as VGG is, on a smooth non-negative
    /// image: each layer's Winograd output against the direct conv of the same (ReLU'd) input.
    @Test func errorStaysSmallOnVGGStyleActivations() throws {
        var generator = SeededGenerator(seed: 77)
        var activation = try Tensor.uniform([1, 16, 32, 32], in: 0..<1, using: &generator)
        for (layer, (channels, outputs)) in [(16, 64), (64, 64), (64, 128)].enumerated() {
            let bound = (6 / Float(9 * channels)).squareRoot()
            let weight = try Tensor.uniform([outputs, channels, 3, 3], in: -bound..<bound, using: &generator)
            let direct = Naive.clampedConv2d(activation, weight: weight, bias: nil, padding: 1)
            let fast = try Self.winograd(activation, weight: weight, shift: nil, padding: 1, lower: 0)
            let error = Self.relativeError(fast.scalars, direct)
            #expect(error <= 1e-4, "layer \(layer): \(error)")
            activation = try Tensor(shape: fast.shape, scalars: direct)
        }
    }
}
