import Testing

@testable import GreenTensor

/// One GEMM case: sizes, transposes, scalars and how much each leading dimension is padded.
struct GEMMCase: CustomStringConvertible, Sendable {
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool
    let alpha: Float, beta: Float
    let extraLeading: Int

    var description: String {
        "m=\(m) n=\(n) k=\(k) tA=\(transposeA) tB=\(transposeB) alpha=\(alpha) beta=\(beta) ld+\(extraLeading)"
    }

    static let all: [GEMMCase] = {
        var cases: [GEMMCase] = []
        for size in [1, 7, 33, 130] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    cases.append(
                        GEMMCase(
                            m: size, n: size, k: size, transposeA: transposeA, transposeB: transposeB, alpha: 1,
                            beta: 0, extraLeading: 0))
                }
            }
        }
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                cases.append(
                    GEMMCase(
                        m: 7, n: 33, k: 130, transposeA: transposeA, transposeB: transposeB, alpha: 0.5, beta: -2,
                        extraLeading: 3))
                cases.append(
                    GEMMCase(
                        m: 130, n: 1, k: 7, transposeA: transposeA, transposeB: transposeB, alpha: -1.5, beta: 0.25,
                        extraLeading: 5))
            }
        }
        return cases
    }()
}

/// GEMM against a naive triple loop in double precision. Tolerance: 1e-4 relative
/// (sums of up to 130 products of values in [-1, 1]).
@Suite struct GEMMTests {
    @Test(arguments: GEMMCase.all)
    func multiplyMatchesNaiveTripleLoop(_ c: GEMMCase) throws {
        let (aRows, aColumns) = c.transposeA ? (c.k, c.m) : (c.m, c.k)
        let (bRows, bColumns) = c.transposeB ? (c.n, c.k) : (c.k, c.n)
        let lda = aColumns + c.extraLeading, ldb = bColumns + c.extraLeading, ldc = c.n + c.extraLeading
        let a = randomTensor([aRows * lda], seed: 1).scalars
        let b = randomTensor([bRows * ldb], seed: 2).scalars
        let initial = randomTensor([c.m * ldc], seed: 3).scalars
        var result = initial
        try a.withUnsafeBufferPointer { a in
            try b.withUnsafeBufferPointer { b in
                try result.withUnsafeMutableBufferPointer { output in
                    try GEMM.multiply(
                        transposeA: c.transposeA ? .transposed : .none, transposeB: c.transposeB ? .transposed : .none,
                        m: c.m, n: c.n, k: c.k, alpha: c.alpha, a: a, lda: lda, b: b, ldb: ldb, beta: c.beta,
                        c: output, ldc: ldc)
                }
            }
        }
        let expected = Naive.gemm(
            transposeA: c.transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, alpha: c.alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: c.beta, c: initial, ldc: ldc)
        for row in 0..<c.m {
            for column in 0..<c.n {
                let index = row * ldc + column
                #expect(
                    abs(result[index] - expected[index]) <= 1e-4 * (1 + abs(expected[index])),
                    "\(c) at (\(row), \(column))")
            }
            for padding in c.n..<ldc {
                #expect(result[row * ldc + padding] == initial[row * ldc + padding], "padding column written")
            }
        }
    }

    @Test func zeroInnerSizeScalesByBeta() throws {
        var output: [Float] = [1, 2, 3, 4]
        try output.withUnsafeMutableBufferPointer { c in
            try GEMM.multiply(
                m: 2, n: 2, k: 0, a: UnsafeBufferPointer(start: nil, count: 0), lda: 1,
                b: UnsafeBufferPointer(start: nil, count: 0), ldb: 2, beta: 0.5, c: c, ldc: 2)
        }
        #expect(output == [0.5, 1, 1.5, 2])
    }

    @Test func rejectsShortBuffersAndLeadingDimensions() {
        let small = [Float](repeating: 0, count: 5)
        var output = [Float](repeating: 0, count: 4)
        expectTensorError(["GEMM", "A (2x3", "needs 6 floats, buffer has 5"]) {
            try small.withUnsafeBufferPointer { a in
                try output.withUnsafeMutableBufferPointer { c in
                    try GEMM.multiply(m: 2, n: 2, k: 3, a: a, lda: 3, b: a, ldb: 2, c: c, ldc: 2)
                }
            }
        }
        expectTensorError(["GEMM", "leading dimension of B must be >= max(1, 2), got 1"]) {
            try small.withUnsafeBufferPointer { a in
                try output.withUnsafeMutableBufferPointer { c in
                    try GEMM.multiply(m: 1, n: 2, k: 2, a: a, lda: 2, b: a, ldb: 1, c: c, ldc: 2)
                }
            }
        }
        expectTensorError(["GEMM", "sizes must be non-negative", "m=-1"]) {
            try small.withUnsafeBufferPointer { a in
                try output.withUnsafeMutableBufferPointer { c in
                    try GEMM.multiply(m: -1, n: 2, k: 2, a: a, lda: 2, b: a, ldb: 2, c: c, ldc: 2)
                }
            }
        }
    }

    @Test func reportsOpenBLASCore() {
        #expect(!GEMM.openBLASCoreName.isEmpty)
    }
}

@Suite struct MatmulTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func twoDimensionalMatchesNaive(_ transposes: (Bool, Bool)) throws {
        let (m, n, k) = (5, 9, 33)
        let a = randomTensor(transposes.0 ? [k, m] : [m, k], seed: 4)
        let b = randomTensor(transposes.1 ? [n, k] : [k, n], seed: 5)
        let product = try a.matmul(
            b, transposeSelf: transposes.0 ? .transposed : .none, transposeOther: transposes.1 ? .transposed : .none)
        let expected = Naive.gemm(
            transposeA: transposes.0, transposeB: transposes.1, m: m, n: n, k: k, alpha: 1, a: a.scalars,
            lda: transposes.0 ? m : k, b: b.scalars, ldb: transposes.1 ? k : n, beta: 0,
            c: [Float](repeating: 0, count: m * n), ldc: n)
        expectClose(product, try Tensor(shape: [m, n], scalars: expected), tolerance: 1e-5)
    }

    @Test func batchedWithPerItemAndSharedRightOperand() throws {
        let a = randomTensor([3, 4, 6], seed: 6)
        let b = randomTensor([3, 6, 2], seed: 7)
        let shared = randomTensor([6, 2], seed: 8)
        let perItem = try a.matmul(b)
        let withShared = try a.matmul(shared)
        #expect(perItem.shape == [3, 4, 2])
        for item in 0..<3 {
            let left = try Tensor(shape: [4, 6], scalars: Array(a.scalars[(item * 24)..<((item + 1) * 24)]))
            let right = try Tensor(shape: [6, 2], scalars: Array(b.scalars[(item * 12)..<((item + 1) * 12)]))
            let expected = try left.matmul(right).scalars
            #expect(Array(perItem.scalars[(item * 8)..<((item + 1) * 8)]) == expected)
            #expect(Array(withShared.scalars[(item * 8)..<((item + 1) * 8)]) == (try left.matmul(shared)).scalars)
        }
    }

    @Test func rejectsMismatchedInnerAndBatchSizes() {
        expectTensorError(["matmul", "inner size 3", "[4, 2]"]) {
            _ = try randomTensor([2, 3], seed: 1).matmul(randomTensor([4, 2], seed: 2))
        }
        expectTensorError(["matmul", "batch size 2", "[3, 3, 1]"]) {
            _ = try randomTensor([2, 2, 3], seed: 1).matmul(randomTensor([3, 3, 1], seed: 2))
        }
        expectTensorError(["matmul", "rank 2 or 3"]) {
            _ = try randomTensor([3], seed: 1).matmul(randomTensor([3, 1], seed: 2))
        }
    }
}
