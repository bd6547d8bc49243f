import CKernels
import Testing

@testable import GreenTensor

/// The packed GEMM micro-kernels of every instruction set against `Naive.gemm` at sizes that
/// leave tails in every tile dimension (rows past a 6-row panel, 1 to 5 of them, with b read in
/// place, packed by the first panel or packed beforehand; columns past a vector, and 1 to 4
/// past the vectors on the thin tile; k past a block), row ranges of a larger packed matrix, and the fused shift and clamp; then the
/// convolution paths with packed weights against `Naive.conv2d`. Tolerance 1e-5 relative to the
/// largest output (sums of up to 2500 products of values in [-1, 1]).
@Suite(.serialized) struct PackedGEMMTests {
    static let sizes: [(m: Int, k: Int, n: Int)] = [
        (1, 1, 1), (5, 3, 7), (6, 17, 16), (7, 256, 17), (13, 300, 33), (20, 600, 100), (64, 17, 785), (100, 1, 15),
        // 3 and 5 rows past the panels with b packed by the first; 4 rows alone on b whose rows are 4 KiB apart
        // (ldb 1024: packed rather than read in place).
        (27, 40, 70), (4, 5, 1024), (35, 9, 130),
        // 1 to 4 columns past the vectors on the thin tile, over several depth blocks (every instruction set's
        // block depth is passed); products thin throughout, in one part and in two (k past 2048 for 4 columns).
        (13, 300, 68), (29, 700, 49), (8, 130, 131), (11, 1100, 3), (7, 2500, 4),
    ]

    /// `weight` `[O, ...]` with output channel `o` multiplied by `scale[o]`: the conv an eager
    /// BatchNorm's scale, applied after it, amounts to.
    static func scaledByChannel(_ weight: Tensor, _ scale: Tensor) throws -> Tensor {
        let rowLength = weight.elementCount / weight.shape[0]
        return try Tensor(
            shape: weight.shape, scalars: weight.scalars.enumerated().map { $1 * scale.scalars[$0 / rowLength] })
    }

    static func relativeError(_ actual: [Float], _ expected: [Float]) -> Float {
        let scale = Swift.max(expected.map(abs).max() ?? 1, 1e-30)
        return zip(actual, expected).map { abs($0 - $1) }.max()! / scale
    }

    @Test(arguments: KernelInstructionSet.supported)
    func everyInstructionSetMatchesTheNaiveProduct(_ instructionSet: KernelInstructionSet) {
        let table = Kernels.table(for: instructionSet)
        var workspace = [Float](repeating: 0, count: packedMultiplyWorkspaceCount)
        for (index, size) in Self.sizes.enumerated() {
            let seed = UInt64(300 + 7 * index)
            let (ldb, ldc) = (size.n + index % 3, size.n + 2 * (index % 2))
            let a = randomTensor([size.m, size.k], seed: seed).scalars
            let b = randomTensor([size.k, ldb], seed: seed + 1).scalars
            let shift = randomTensor([size.m], seed: seed + 2).scalars
            let product = Naive.gemm(
                transposeA: false, transposeB: false, m: size.m, n: size.n, k: size.k, alpha: 1, a: a, lda: size.k,
                b: b, ldb: ldb, beta: 0, c: [Float](repeating: 0, count: size.m * ldc), ldc: ldc)
            let packed = a.withUnsafeBufferPointer {
                PackedMatrix($0.baseAddress!, rows: size.m, columns: size.k, leadingDimension: size.k)
            }
            for (lower, upper, shifted) in [
                (-Float.infinity, Float.infinity, false), (0, 6, true), (0, .infinity, true),
            ] {
                let sentinel: Float = 1234
                var c = [Float](repeating: sentinel, count: size.m * ldc)
                shift.withUnsafeBufferPointer { shifts in
                    table.packedGEMM(
                        packed.panel(at: 0), Int32(size.m), Int32(size.k), b, ldb, Int32(size.n), &c, ldc,
                        shifted ? shifts.baseAddress : nil, lower, upper, &workspace)
                }
                var expected = product
                for row in 0..<size.m {
                    for column in 0..<size.n {
                        let value = product[row * ldc + column] + (shifted ? shift[row] : 0)
                        expected[row * ldc + column] = Swift.min(Swift.max(value, lower), upper)
                    }
                    for column in size.n..<ldc { expected[row * ldc + column] = sentinel }
                }
                let error = Self.relativeError(c, expected)
                #expect(error <= 1e-5, "\(instructionSet) \(size) clamp \(lower)...\(upper): \(error)")
            }
        }
    }

    @Test(arguments: KernelInstructionSet.supported)
    func aRowRangeOfAPackedMatrixStartsAtItsPanel(_ instructionSet: KernelInstructionSet) {
        let table = Kernels.table(for: instructionSet)
        let (m, k, n) = (20, 37, 29)
        let a = randomTensor([m, k], seed: 350).scalars
        let b = randomTensor([k, n], seed: 351).scalars
        let full = Naive.gemm(
            transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0,
            c: [Float](repeating: 0, count: m * n), ldc: n)
        let packed = a.withUnsafeBufferPointer {
            PackedMatrix($0.baseAddress!, rows: m, columns: k, leadingDimension: k)
        }
        var workspace = [Float](repeating: 0, count: packedMultiplyWorkspaceCount)
        for rows in [6..<13, 12..<20, 0..<6] {
            var c = [Float](repeating: 0, count: rows.count * n)
            table.packedGEMM(
                packed.panel(at: rows.lowerBound), Int32(rows.count), Int32(k), b, n, Int32(n), &c, n, nil, -.infinity,
                .infinity, &workspace)
            let error = Self.relativeError(c, Array(full[(rows.lowerBound * n)..<(rows.upperBound * n)]))
            #expect(error <= 1e-5, "\(instructionSet) rows \(rows): \(error)")
        }
    }

    /// `convolve` with packed weights on its three paths: bands of rows (batch 1, a plane wider
    /// than the channel count), split channels (more output channels than positions), and
    /// small planes side by side (batch 3, planes under 64 positions), at 1 and 2 threads.
    @Test(arguments: [1, 2])
    func convolutionPathsMatchTheDirectOne(threads: Int) throws {
        try withParallelism(threads: threads) {
            let cases: [(batch: Int, channels: Int, outputs: Int, size: Int, kernel: Int)] = [
                (1, 7, 13, 19, 3), (1, 5, 9, 12, 1), (1, 16, 40, 5, 3), (1, 9, 70, 6, 1), (3, 7, 11, 6, 3),
                (3, 1, 7, 5, 1),
            ]
            for (index, item) in cases.enumerated() {
                let seed = UInt64(360 + 5 * index)
                let padding = item.kernel / 2
                let input = randomTensor([item.batch, item.channels, item.size, item.size + 1], seed: seed)
                let weight = randomTensor([item.outputs, item.channels, item.kernel, item.kernel], seed: seed + 1)
                let shift = randomTensor([item.outputs], seed: seed + 2)
                let expected = Naive.clampedConv2d(
                    input, weight: weight, bias: shift, padding: Size2D(padding), upper: 6)
                let geometry = try WindowGeometry(
                    input: Size2D(height: item.size, width: item.size + 1), kernel: Size2D(item.kernel),
                    padding: Size2D(padding))
                let output = Tensor(uninitializedShape: [
                    item.batch, item.outputs, geometry.output.height, geometry.output.width,
                ])
                let reduction = item.channels * item.kernel * item.kernel
                var operands = ConvolutionOperands(
                    input: input.storage.base, inputImageStride: input.elementCount / item.batch,
                    weight: weight.storage.base, scale: nil, shift: UnsafePointer(shift.storage.base), lower: 0,
                    upper: 6,
                    output: output.storage.base, outputImageStride: output.elementCount / item.batch, batch: item.batch,
                    channels: item.channels, outputChannels: item.outputs, groups: 1, geometry: geometry)
                operands.packedWeight = PackedMatrix(
                    weight.storage.base, rows: item.outputs, columns: reduction, leadingDimension: reduction)
                withExtendedLifetime((input, weight, shift)) { convolve(operands, workspace: Workspace()) }
                let error = Self.relativeError(output.scalars, expected)
                #expect(error <= 1e-5, "threads \(threads) case \(item): \(error)")
            }
        }
    }

    /// The weight-streaming path (transposed product, output channels split in vectors of 16)
    /// for deep convs on small planes, 3x3 and 1x1, batch 1 and 3, at 1 and 2 threads.
    @Test(arguments: [1, 2])
    func weightStreamingConvolutionMatchesTheDirectOne(threads: Int) throws {
        try withParallelism(threads: threads) {
            for (index, (batch, channels, outputs, size, kernel)) in [
                (1, 7, 70, 4, 3), (3, 13, 37, 2, 3), (1, 20, 100, 7, 1), (3, 1, 17, 1, 1),
            ].enumerated() {
                let seed = UInt64(390 + 5 * index)
                let padding = kernel / 2
                let input = randomTensor([batch, channels, size, size + 1], seed: seed)
                let weight = randomTensor([outputs, channels, kernel, kernel], seed: seed + 1)
                let shift = randomTensor([outputs], seed: seed + 2)
                let scale = randomTensor([outputs], seed: seed + 3)
                let expected = Naive.clampedConv2d(input, weight: weight, bias: shift, padding: Size2D(padding))
                let expectedScaled = Naive.clampedConv2d(
                    input, weight: try Self.scaledByChannel(weight, scale), bias: shift, padding: Size2D(padding))
                let geometry = try WindowGeometry(
                    input: Size2D(height: size, width: size + 1), kernel: Size2D(kernel), padding: Size2D(padding))
                let output = Tensor(uninitializedShape: [batch, outputs, geometry.output.height, geometry.output.width])
                let reduction = channels * kernel * kernel
                let transposed = (0..<(reduction * outputs)).map {
                    weight.scalars[($0 % outputs) * reduction + $0 / outputs]
                }
                for scales in [false, true] {
                    let operands = ConvolutionOperands(
                        input: input.storage.base, inputImageStride: input.elementCount / batch,
                        weight: weight.storage.base, scale: scales ? UnsafePointer(scale.storage.base) : nil,
                        shift: UnsafePointer(shift.storage.base), lower: 0, upper: .infinity,
                        output: output.storage.base, outputImageStride: output.elementCount / batch, batch: batch,
                        channels: channels, outputChannels: outputs, groups: 1, geometry: geometry)
                    withExtendedLifetime((input, weight, shift, scale)) {
                        transposed.withUnsafeBufferPointer {
                            convolveStreamingWeights(
                                operands, transposedWeight: $0.baseAddress!, workspace: Workspace())
                        }
                    }
                    let error = Self.relativeError(output.scalars, scales ? expectedScaled : expected)
                    #expect(
                        error <= 1e-5,
                        "threads \(threads) N\(batch) C\(channels)->\(outputs) \(size) k\(kernel) \(scales): \(error)")
                }
            }
        }
    }

    /// The transposed store of the weight-streaming product, every instruction set, against a loop:
    /// whole blocks of a vector's lanes square and the edges past them, with and without the
    /// per-channel scale and shift, clamped and not; a row pitch wider than the row and an output
    /// pitch wider than the column (whose gaps must keep their sentinel). Tolerance 1e-6 absolute
    /// on values below 3.
    @Test(arguments: KernelInstructionSet.supported)
    func transposeFinishMatchesALoop(_ instructionSet: KernelInstructionSet) {
        let table = Kernels.table(for: instructionSet)
        for (index, (m, n)) in [(1, 1), (16, 16), (17, 35), (49, 64), (33, 8), (5, 70)].enumerated() {
            let seed = UInt64(470 + 4 * index)
            let (ldp, ldo) = (n + index % 2, m + 3 * (index % 3))
            let product = randomTensor([m, ldp], seed: seed).scalars
            let scale = randomTensor([n], seed: seed + 1).scalars
            let shift = randomTensor([n], seed: seed + 2).scalars
            for (scaled, lower, upper) in [(false, -Float.infinity, Float.infinity), (true, 0, 0.5)] {
                let sentinel: Float = 1234
                var output = [Float](repeating: sentinel, count: n * ldo)
                scale.withUnsafeBufferPointer { scales in
                    shift.withUnsafeBufferPointer { shifts in
                        table.transposeFinish(
                            product, m, n, ldp, scaled ? scales.baseAddress : nil, scaled ? shifts.baseAddress : nil,
                            lower, upper, &output, ldo)
                    }
                }
                var expected = [Float](repeating: sentinel, count: n * ldo)
                for j in 0..<n {
                    for i in 0..<m {
                        let value = product[i * ldp + j] * (scaled ? scale[j] : 1) + (scaled ? shift[j] : 0)
                        expected[j * ldo + i] = Swift.min(Swift.max(value, lower), upper)
                    }
                }
                // The kernel may fuse the multiply and add into one FMA (one rounding, not two).
                let error = zip(output, expected).map { abs($0 - $1) }.max()!
                #expect(error <= 1e-6, "\(instructionSet) \(m)x\(n) scaled \(scaled): \(error)")
            }
        }
    }

    /// Packing a matrix's transpose as A (the weight-streaming GEMM's positions) equals packing
    /// the transpose written out, panels of 6 positions with the last one zero-padded.
    @Test func packingATransposeEqualsPackingTheTranspose() {
        for (m, k, ldx) in [(13, 7, 15), (6, 3, 6), (1, 4, 2), (20, 9, 20)] {
            let x = randomTensor([k, ldx], seed: UInt64(490 + m)).scalars
            let transpose = (0..<(m * k)).map { x[($0 % k) * ldx + $0 / k] }
            let expected = transpose.withUnsafeBufferPointer {
                let packed = PackedMatrix($0.baseAddress!, rows: m, columns: k, leadingDimension: k)
                return Array(UnsafeBufferPointer(start: packed.panel(at: 0), count: packed.count))
            }
            var packed = [Float](repeating: .nan, count: expected.count)
            gn_pack_gemm_a_transposed(x, m, k, ldx, &packed)
            #expect(packed == expected, "m \(m) k \(k) ldx \(ldx)")
        }
    }

    /// Several images side by side, with and without packed weights (packed, the shift and
    /// clamp run in the GEMM's stores; with an eager BatchNorm's scale, in a pass after it):
    /// unpadded stride-1 windows (the column matrix numbered across the input's full width) and
    /// padded ones (im2col).
    @Test(arguments: [1, 2])
    func imagesSideBySideMatchTheDirectConvolution(threads: Int) throws {
        try withParallelism(threads: threads) {
            for (index, (channels, outputs, height, width, kernel, padding)) in [
                (6, 16, 14, 14, 5, 0), (3, 7, 9, 6, 3, 0), (5, 13, 8, 11, 3, 1),
            ].enumerated() {
                let seed = UInt64(420 + 5 * index)
                let input = randomTensor([3, channels, height, width], seed: seed)
                let weight = randomTensor([outputs, channels, kernel, kernel], seed: seed + 1)
                let shift = randomTensor([outputs], seed: seed + 2)
                let scale = randomTensor([outputs], seed: seed + 3)
                let expected = Naive.clampedConv2d(input, weight: weight, bias: shift, padding: Size2D(padding))
                let expectedScaled = Naive.clampedConv2d(
                    input, weight: try Self.scaledByChannel(weight, scale), bias: shift, padding: Size2D(padding))
                let geometry = try WindowGeometry(
                    input: Size2D(height: height, width: width), kernel: Size2D(kernel), padding: Size2D(padding))
                let reduction = channels * kernel * kernel
                for (packs, scales) in [(false, false), (true, false), (true, true), (false, true)] {
                    let output = Tensor(uninitializedShape: [
                        3, outputs, geometry.output.height, geometry.output.width,
                    ])
                    var operands = ConvolutionOperands(
                        input: input.storage.base, inputImageStride: input.elementCount / 3,
                        weight: weight.storage.base, scale: scales ? UnsafePointer(scale.storage.base) : nil,
                        shift: UnsafePointer(shift.storage.base), lower: 0,
                        upper: .infinity, output: output.storage.base, outputImageStride: output.elementCount / 3,
                        batch: 3, channels: channels, outputChannels: outputs, groups: 1, geometry: geometry)
                    if packs {
                        operands.packedWeight = PackedMatrix(
                            weight.storage.base, rows: outputs, columns: reduction, leadingDimension: reduction)
                    }
                    withExtendedLifetime((input, weight, shift, scale)) {
                        convolveSmallPlanes(operands, workspace: Workspace())
                    }
                    let error = Self.relativeError(output.scalars, scales ? expectedScaled : expected)
                    #expect(
                        error <= 1e-5, "threads \(threads) case \(index) packed \(packs) scaled \(scales): \(error)")
                }
            }
        }
    }
}
