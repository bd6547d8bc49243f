import Foundation
import Testing

@testable import GreenNN

/// `LowRankFactors` and the `approximating` initialisers: `up·down` rebuilds the weight at full
/// rank, the stated relative error equals `‖W − up·down‖_F / ‖W‖_F` computed with naive loops,
/// energy selection picks the smallest sufficient rank, and the factorised layers reproduce
/// the originals' outputs at full rank.
@Suite struct LowRankFactorsTests {
    /// `‖a − b‖_F / ‖a‖_F` in Double.
    func relativeDistance(_ a: Tensor, _ b: Tensor) -> Double {
        let difference = zip(a.scalars, b.scalars).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) }
        return (difference / a.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
    }

    @Test(arguments: [1, 3, 6])
    func statedErrorIsTheReconstructionError(rank: Int) throws {
        let weight = randomTensor([9, 6], seed: 41)
        let factors = try LowRankFactors(approximating: weight, keeping: .rank(rank))
        #expect(factors.up.shape == [9, rank] && factors.down.shape == [rank, 6])
        #expect(factors.fullRank == 6)
        let rebuilt = Naive.matmul(factors.up, factors.down)
        #expect(abs(relativeDistance(weight, rebuilt) - factors.relativeError) < 1e-4)
        #expect(abs(factors.energy + factors.relativeError * factors.relativeError - 1) < 1e-6)
        if rank == 6 { expectClose(rebuilt, weight, tolerance: 1e-5, "full rank") }
    }

    @Test func energySelectionKeepsTheSmallestSufficientRank() throws {
        let weight = randomTensor([20, 12], seed: 42)
        let svd = try SingularValueDecomposition(of: weight)
        for fraction in [0.5, 0.9, 0.99] {
            let factors = try LowRankFactors(approximating: weight, keeping: .energy(fraction))
            #expect(factors.energy >= fraction)
            #expect(factors.rank == 1 || svd.energy(ofRank: factors.rank - 1) < fraction, "\(fraction)")
        }
        #expect(try LowRankFactors(approximating: weight, keeping: .energy(1)).rank == 12)
    }

    @Test func rejectsBadSelectionsAndWeights() throws {
        let weight = randomTensor([4, 3], seed: 43)
        expectLayerError(["rank must be at least 1"]) {
            _ = try LowRankFactors(approximating: weight, keeping: .rank(0))
        }
        expectLayerError(["rank must be in 1...3"]) { _ = try LowRankFactors(approximating: weight, keeping: .rank(4)) }
        expectLayerError(["energy fraction must be in (0, 1]"]) {
            _ = try LowRankFactors(approximating: weight, keeping: .energy(1.5))
        }
        expectLayerError(["NaN"]) {
            _ = try LowRankFactors(approximating: Tensor(shape: [2, 2], scalars: [1, .nan, 0, 1]), keeping: .rank(1))
        }
    }

    @Test func fullRankFactorisationsReproduceTheOriginalLayers() throws {
        var random = generator(44)
        let linear = try Linear(10, 7, using: &random)
        let input = randomTensor([3, 10], seed: 45)
        let lowRank = try LowRankLinear(approximating: linear, keeping: .energy(1))
        #expect(lowRank.rank == 7)
        expectClose(try lowRank(input), try linear(input), tolerance: 1e-5, "linear")
        let conv = try Conv2d(5, 8, kernelSize: 1, stride: 2, padding: 1, using: &random)
        let image = randomTensor([2, 5, 6, 6], seed: 46)
        let pointwise = try LowRankPointwiseConv2d(approximating: conv, keeping: .rank(5))
        expectClose(try pointwise(image), try conv(image), tolerance: 1e-5, "1x1 conv")
        expectLayerError(["only an ungrouped, undilated 1x1 conv"]) {
            _ = try LowRankPointwiseConv2d(
                approximating: try Conv2d(5, 8, kernelSize: 3, using: &random), keeping: .rank(2))
        }
    }
}
