import Testing

@testable import GreenTensor

/// The path for batches smaller than the thread count whose planes are smaller than the output
/// channel count (im2col once, output channels split across workers; `thinProduct` instead of
/// sgemm for planes of at most 16 positions) against `Naive.conv2d`, at 1, 2 and 4 threads, with
/// an epilogue; and the `thinProduct` kernel of every instruction set against a naive product.
/// Tolerance 1e-5 relative (reductions up to 180 products of values in [-1, 1], accumulated in
/// 16 interleaved partial sums).
@Suite(.serialized) struct DeepSmallPlaneConv2dTests {
    /// (batch, C, O, H, W, kernel, padding): thin and GEMM planes, pointwise and 3x3, output
    /// channel counts that leave tails in 4-row tiles, reductions that leave tails in the lanes.
    static let cases: [(Int, Int, Int, Int, Int, Int, Int)] = [
        (1, 20, 40, 4, 4, 3, 1), (1, 5, 37, 2, 3, 3, 1), (1, 9, 37, 5, 5, 3, 1), (1, 24, 50, 3, 3, 1, 0),
        (1, 24, 50, 6, 6, 1, 0), (3, 7, 33, 3, 4, 3, 1), (2, 20, 64, 1, 1, 3, 1),
    ]

    @Test(arguments: [1, 2, 4])
    func matchesNaiveReference(threads: Int) throws {
        try withParallelism(threads: threads) {
            for (index, (batch, channels, outputs, height, width, kernel, padding)) in Self.cases.enumerated() {
                let seed = UInt64(10 * index)
                let input = randomTensor([batch, channels, height, width], seed: seed + 1)
                let weight = randomTensor([outputs, channels, kernel, kernel], seed: seed + 2)
                let bias = randomTensor([outputs], seed: seed + 3)
                let context = "threads \(threads) N\(batch) C\(channels)->\(outputs) \(height)x\(width) k\(kernel)"
                let expected = Naive.conv2d(
                    input, weight: weight, bias: bias, stride: 1, padding: Size2D(padding), dilation: 1, groups: 1)
                expectClose(
                    try conv2d(input, weight: weight, bias: bias, padding: Size2D(padding), workspace: Workspace()),
                    expected, tolerance: 1e-5, context)
                let scale = randomTensor([outputs], seed: seed + 4)
                let shift = randomTensor([outputs], seed: seed + 5)
                let fused = try conv2d(
                    input, weight: weight, bias: bias, padding: Size2D(padding),
                    epilogue: Epilogue(scale: scale, shift: shift, lower: 0, upper: 0.5))
                let positions = expected.elementCount / (batch * outputs)
                let manual = expected.scalars.enumerated().map { offset, value in
                    let channel = offset / positions % outputs
                    return Swift.min(Swift.max(value * scale.scalars[channel] + shift.scalars[channel], 0), 0.5)
                }
                expectClose(
                    fused, try Tensor(shape: expected.shape, scalars: manual), tolerance: 1e-5, context + " fused")
            }
        }
    }

    @Test(arguments: KernelInstructionSet.supported, [(7, 37, 6), (8, 64, 16), (1, 5, 1), (13, 100, 3)])
    func thinProductMatchesTheDefinition(_ instructionSet: KernelInstructionSet, _ size: (Int, Int, Int)) {
        let (m, k, n) = size
        let a = randomTensor([m, k], seed: 91).scalars, rows = randomTensor([n, k], seed: 92).scalars
        let ldc = n + 2
        var c = [Float](repeating: -7, count: m * ldc)
        Kernels.table(for: instructionSet).thinProduct(a, Int32(m), Int32(k), rows, Int32(n), &c, Int32(ldc))
        for o in 0..<m {
            for p in 0..<ldc {
                guard p < n else {
                    #expect(c[o * ldc + p] == -7, "\(instructionSet): wrote outside the \(n) columns")
                    continue
                }
                let expected = (0..<k).reduce(0.0) { $0 + Double(a[o * k + $1]) * Double(rows[p * k + $1]) }
                #expect(
                    abs(Double(c[o * ldc + p]) - expected) <= 1e-5 * (1 + abs(expected)), "\(instructionSet) \(size)")
            }
        }
    }
}
