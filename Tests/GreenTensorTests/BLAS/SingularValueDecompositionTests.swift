import Foundation
import Testing

@testable import GreenTensor

/// The SVD wrapper against naive loops: U·diag(S)·Vᵀ rebuilds A, U and V are orthonormal, the
/// values are sorted and match hand-computed ones, and the energy helpers follow their formulas.
@Suite struct SingularValueDecompositionTests {
    /// U·diag(S)·Vᵀ with plain loops.
    func reconstruct(_ svd: SingularValueDecomposition, rank: Int) -> [Float] {
        let rows = svd.u.shape[0], columns = svd.vt.shape[1], k = svd.singularValues.count
        let u = svd.u.scalars, vt = svd.vt.scalars
        var result = [Float](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns {
                var sum: Double = 0
                for index in 0..<rank {
                    sum +=
                        Double(u[row * k + index]) * Double(svd.singularValues[index])
                        * Double(vt[index * columns + column])
                }
                result[row * columns + column] = Float(sum)
            }
        }
        return result
    }

    @Test(arguments: [(5, 3), (3, 5), (17, 17), (64, 9), (1, 6), (6, 1)])
    func rebuildsTheMatrixWithOrthonormalFactors(rows: Int, columns: Int) throws {
        let matrix = randomTensor([rows, columns], seed: UInt64(rows * 100 + columns))
        let svd = try SingularValueDecomposition(of: matrix)
        let k = min(rows, columns)
        #expect(svd.u.shape == [rows, k])
        #expect(svd.vt.shape == [k, columns])
        #expect(svd.singularValues.count == k)
        #expect(zip(svd.singularValues, svd.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(svd.singularValues.allSatisfy { $0 >= 0 })
        expectClose(
            try Tensor(shape: [rows, columns], scalars: reconstruct(svd, rank: k)), matrix, tolerance: 1e-5,
            "U·S·Vᵀ")
        let u = svd.u.scalars, vt = svd.vt.scalars
        for first in 0..<k {
            for second in 0..<k {
                let expected: Float = first == second ? 1 : 0
                let uDot = (0..<rows).reduce(Float(0)) { $0 + u[$1 * k + first] * u[$1 * k + second] }
                let vDot = (0..<columns).reduce(Float(0)) { $0 + vt[first * columns + $1] * vt[second * columns + $1] }
                #expect(abs(uDot - expected) < 1e-5, "UᵀU[\(first), \(second)] = \(uDot)")
                #expect(abs(vDot - expected) < 1e-5, "VVᵀ[\(first), \(second)] = \(vDot)")
            }
        }
    }

    @Test func matchesHandComputedSingularValues() throws {
        // [[3, 0], [4, 5]]: AᵀA = [[25, 20], [20, 25]], eigenvalues 45 and 5.
        let svd = try SingularValueDecomposition(of: Tensor(shape: [2, 2], scalars: [3, 0, 4, 5]))
        #expect(abs(svd.singularValues[0] - Float(45).squareRoot()) < 1e-5)
        #expect(abs(svd.singularValues[1] - Float(5).squareRoot()) < 1e-5)
        #expect(abs(svd.energy(ofRank: 1) - 0.9) < 1e-6)
        #expect(abs(svd.relativeError(ofRank: 1) - 0.1.squareRoot()) < 1e-6)
        #expect(svd.rank(keepingEnergy: 0.9) == 1)
        #expect(svd.rank(keepingEnergy: 0.95) == 2)
        #expect(svd.rank(keepingEnergy: 0) == 1)
        #expect(svd.relativeError(ofRank: 2) == 0)
    }

    @Test func truncationIsTheBestApproximationOfALowRankMatrix() throws {
        // A rank-2 matrix: its third singular value is zero and rank 2 rebuilds it exactly.
        let a = randomTensor([8, 2], seed: 1), b = randomTensor([2, 6], seed: 2)
        var product = [Float](repeating: 0, count: 48)
        for row in 0..<8 {
            for column in 0..<6 {
                product[row * 6 + column] = (0..<2).reduce(Float(0)) {
                    $0 + a.scalars[row * 2 + $1] * b.scalars[$1 * 6 + column]
                }
            }
        }
        let matrix = try Tensor(shape: [8, 6], scalars: product)
        let svd = try SingularValueDecomposition(of: matrix)
        #expect(svd.singularValues[2] < 1e-5 * svd.singularValues[0])
        #expect(svd.rank(keepingEnergy: 0.999999) == 2)
        expectClose(try Tensor(shape: [8, 6], scalars: reconstruct(svd, rank: 2)), matrix, tolerance: 1e-5, "rank 2")
    }

    @Test func leavesOpenBLASSingleThreaded() throws {
        _ = try SingularValueDecomposition(of: randomTensor([40, 30], seed: 9))
        #expect(ComputeThreads.openBLASThreadCount == 1)
    }

    @Test func rejectsBadMatrices() throws {
        expectTensorError(["SingularValueDecomposition", "[2, 2, 2]"]) {
            _ = try SingularValueDecomposition(of: Tensor.zeros([2, 2, 2]))
        }
        expectTensorError(["SingularValueDecomposition", "NaN"]) {
            _ = try SingularValueDecomposition(of: Tensor(shape: [2, 2], scalars: [1, .nan, 0, 1]))
        }
        expectTensorError(["SingularValueDecomposition", "[0, 3]"]) {
            _ = try SingularValueDecomposition(of: Tensor.zeros([0, 3]))
        }
    }
}
