import Testing

@testable import GreenTensor

/// `softmaxBackward` against the Jacobian written out, `J = diag(y) − y·yᵀ`, along axis 1 of
/// `[N, K]` and `[N, K, H, W]`. Tolerance 1e-5 relative.
@Suite struct SoftmaxBackwardTests {
    @Test(arguments: [Shape([3, 5]), Shape([2, 4, 2, 3])])
    func matchesTheJacobian(_ shape: Shape) throws {
        let output = try (randomTensor(shape, seed: 361) * 3).softmax(alongAxis: 1)
        let outputGradient = randomTensor(shape, seed: 362)
        let (k, inner) = (shape[1], shape.elementCount / (shape[0] * shape[1]))
        let y = output.scalars, dy = outputGradient.scalars
        var expected = [Float](repeating: 0, count: y.count)
        for outer in 0..<shape[0] {
            for position in 0..<inner {
                func at(_ i: Int) -> Int { (outer * k + i) * inner + position }
                for i in 0..<k {
                    expected[at(i)] = (0..<k).reduce(Float(0)) { total, j in
                        total + ((i == j ? y[at(i)] : 0) - y[at(i)] * y[at(j)]) * dy[at(j)]
                    }
                }
            }
        }
        expectClose(
            try softmaxBackward(outputGradient, output: output, alongAxis: 1),
            try Tensor(shape: shape, scalars: expected), tolerance: 1e-5, "\(shape)")
    }
}
