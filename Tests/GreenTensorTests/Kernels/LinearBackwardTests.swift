import Testing

@testable import GreenTensor

/// `linearBackward` against naive matrix products, small and large enough to split across
/// workers. Tolerance 1e-4 relative.
@Suite struct LinearBackwardTests {
    @Test(arguments: [(2, 5, 3), (3, 1, 4), (64, 400, 120), (7, 130, 257)])
    func gradientsMatchNaiveReference(_ sizes: (batch: Int, inputs: Int, outputs: Int)) throws {
        let input = randomTensor([sizes.batch, sizes.inputs], seed: 341)
        let weight = randomTensor([sizes.outputs, sizes.inputs], seed: 342)
        let outputGradient = randomTensor([sizes.batch, sizes.outputs], seed: 343)
        let gradients = try linearBackward(outputGradient, input: input, weight: weight, hasBias: true)
        let dy = outputGradient.scalars
        let weightGradient = Naive.gemm(
            transposeA: true, transposeB: false, m: sizes.outputs, n: sizes.inputs, k: sizes.batch, alpha: 1, a: dy,
            lda: sizes.outputs, b: input.scalars, ldb: sizes.inputs, beta: 0,
            c: [Float](repeating: 0, count: weight.elementCount), ldc: sizes.inputs)
        let inputGradient = Naive.gemm(
            transposeA: false, transposeB: false, m: sizes.batch, n: sizes.inputs, k: sizes.outputs, alpha: 1, a: dy,
            lda: sizes.outputs, b: weight.scalars, ldb: sizes.inputs, beta: 0,
            c: [Float](repeating: 0, count: input.elementCount), ldc: sizes.inputs)
        let biasGradient = (0..<sizes.outputs).map { j in
            (0..<sizes.batch).reduce(Float(0)) { $0 + dy[$1 * sizes.outputs + j] }
        }
        expectClose(
            gradients.weight, try Tensor(shape: weight.shape, scalars: weightGradient), tolerance: 1e-4,
            "\(sizes) weight")
        expectClose(
            try #require(gradients.input), try Tensor(shape: input.shape, scalars: inputGradient), tolerance: 1e-4,
            "\(sizes) input")
        expectClose(
            try #require(gradients.bias), try Tensor(shape: [sizes.outputs], scalars: biasGradient), tolerance: 1e-4,
            "\(sizes) bias")
        #expect(
            try linearBackward(
                outputGradient, input: input, weight: weight, hasBias: false, computesInputGradient: false
            ).input == nil)
    }

    @Test func rejectsMisShapedOperands() {
        expectTensorError(["linearBackward", "output gradient [2, 3]", "[2, 4]"]) {
            _ = try linearBackward(
                randomTensor([2, 4], seed: 344), input: randomTensor([2, 5], seed: 345),
                weight: randomTensor([3, 5], seed: 346), hasBias: true)
        }
    }
}
