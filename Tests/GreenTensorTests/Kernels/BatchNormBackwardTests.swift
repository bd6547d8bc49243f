import Foundation
import Testing

@testable import GreenTensor

/// `batchNormBackward` against the textbook form, evaluated in Double:
/// dx = γσ⁻¹/m·(m·dy − Σdy − x̂·Σdy·x̂), ∂γ = Σ dy·x̂, ∂β = Σ dy. Tolerance 1e-4 relative.
@Suite struct BatchNormBackwardTests {
    @Test(arguments: [Shape([2, 3, 4, 5]), Shape([4, 2]), Shape([1, 2, 3, 1])])
    func gradientsMatchTheTextbookForm(_ shape: Shape) throws {
        let input = randomTensor(shape, seed: 351) * 3 + 1
        let outputGradient = randomTensor(shape, seed: 352)
        let (n, c) = (shape[0], shape[1])
        let plane = shape.elementCount / (n * c)
        let x = input.scalars.map(Double.init), dy = outputGradient.scalars.map(Double.init)
        let gamma = (0..<c).map { 0.5 + Double($0) }
        var mean = [Double](), inverse = [Double](), dx = [Double](repeating: 0, count: x.count), dGamma = [Double](),
            dBeta = [Double]()
        for channel in 0..<c {
            var indices: [Int] = []
            for image in 0..<n {
                let start = (image * c + channel) * plane
                indices += Array(start..<(start + plane))
            }
            let m = Double(indices.count)
            var mu: Double = 0
            for i in indices { mu += x[i] / m }
            var variance: Double = 0
            for i in indices { variance += (x[i] - mu) * (x[i] - mu) / m }
            let invSigma = 1 / (variance + 1e-5).squareRoot()
            var sumDy: Double = 0, sumDyXhat: Double = 0
            for i in indices {
                sumDy += dy[i]
                sumDyXhat += dy[i] * (x[i] - mu) * invSigma
            }
            for i in indices {
                let xhat = (x[i] - mu) * invSigma
                dx[i] = gamma[channel] * invSigma / m * (m * dy[i] - sumDy - xhat * sumDyXhat)
            }
            mean.append(mu)
            inverse.append(invSigma)
            dGamma.append(sumDyXhat)
            dBeta.append(sumDy)
        }
        func tensor(_ values: [Double], _ shape: Shape) throws -> Tensor {
            try Tensor(shape: shape, scalars: values.map { Float($0) })
        }
        let gradients = try batchNormBackward(
            outputGradient, input: input, mean: try tensor(mean, [c]),
            inverseStandardDeviation: try tensor(inverse, [c]),
            scale: try tensor(gamma, [c]))
        expectClose(try #require(gradients.input), try tensor(dx, shape), tolerance: 1e-4, "\(shape) input")
        expectClose(gradients.weight, try tensor(dGamma, [c]), tolerance: 1e-4, "\(shape) γ")
        expectClose(try #require(gradients.bias), try tensor(dBeta, [c]), tolerance: 1e-4, "\(shape) β")
    }

    @Test func rejectsMisShapedStatistics() {
        expectTensorError(["batchNormBackward", "per-channel vector [3]", "[2]"]) {
            let x = randomTensor([2, 3, 2, 2], seed: 353)
            _ = try batchNormBackward(
                x, input: x, mean: randomTensor([2], seed: 354), inverseStandardDeviation: randomTensor([3], seed: 355),
                scale: randomTensor([3], seed: 356))
        }
    }
}
