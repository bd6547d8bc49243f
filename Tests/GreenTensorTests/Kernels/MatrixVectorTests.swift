import Testing

@testable import GreenTensor

/// The matrix-vector kernel of every instruction set against a loop in Double, at row counts
/// around its blocks of 4 and depths around its two vectors a turn, with and without the shift
/// and clamp; then `linear` on one input row split across two workers. Tolerance 1e-5 relative
/// to the largest output (sums of up to 300 products of values in [-1, 1]).
@Suite(.serialized) struct MatrixVectorTests {
    static func expected(
        _ a: [Float], rows: Int, depth: Int, _ x: [Float], shift: [Float]?, lower: Float, upper: Float
    ) -> [Float] {
        (0..<rows).map { row in
            let sum = (0..<depth).reduce(Double(shift?[row] ?? 0)) { $0 + Double(a[row * depth + $1]) * Double(x[$1]) }
            return Swift.min(Swift.max(Float(sum), lower), upper)
        }
    }

    @Test(arguments: KernelInstructionSet.supported)
    func everyInstructionSetMatchesALoop(_ instructionSet: KernelInstructionSet) {
        let table = Kernels.table(for: instructionSet)
        for (index, (rows, depth)) in [(1, 1), (3, 7), (4, 32), (5, 33), (13, 100), (9, 300), (2, 0)].enumerated() {
            let seed = UInt64(700 + 3 * index)
            let a = randomTensor([rows, Swift.max(depth, 1)], seed: seed).scalars
            let x = randomTensor([Swift.max(depth, 1)], seed: seed + 1).scalars
            let shift = randomTensor([rows], seed: seed + 2).scalars
            for (shifted, lower, upper) in [(false, -Float.infinity, Float.infinity), (true, 0, 0.5)] {
                let sentinel: Float = 1234
                var y = [Float](repeating: sentinel, count: rows + 1)
                shift.withUnsafeBufferPointer {
                    table.matrixVector(
                        a, Int32(rows), Int32(depth), x, shifted ? $0.baseAddress : nil, lower, upper, &y)
                }
                let reference = Self.expected(
                    a, rows: rows, depth: depth, x, shift: shifted ? shift : nil, lower: lower, upper: upper)
                let error = PackedGEMMTests.relativeError(Array(y[0..<rows]), reference)
                #expect(error <= 1e-5, "\(instructionSet) \(rows)x\(depth) shifted \(shifted): \(error)")
                #expect(y[rows] == sentinel, "\(instructionSet) \(rows)x\(depth) wrote past its rows")
            }
        }
    }

    @Test func oneInputRowSplitsAcrossWorkers() throws {
        try withParallelism(threads: 2) {
            let (rows, depth) = (37, 29)
            let a = randomTensor([rows, depth], seed: 730)
            let x = randomTensor([1, depth], seed: 731)
            let shift = randomTensor([rows], seed: 732)
            let output = Tensor(uninitializedShape: [1, rows])
            withExtendedLifetime((a, x, shift)) {
                linear(
                    StridedBatch(tensor: x), weight: a.storage.base, shift: shift.storage.base, lower: -1, upper: 1,
                    into: StridedBatch(tensor: output))
            }
            let reference = Self.expected(
                a.scalars, rows: rows, depth: depth, x.scalars, shift: shift.scalars, lower: -1, upper: 1)
            #expect(PackedGEMMTests.relativeError(output.scalars, reference) <= 1e-5)
        }
    }
}
