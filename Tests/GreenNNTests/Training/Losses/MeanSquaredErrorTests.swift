import Testing

@testable import GreenNN

/// `MeanSquaredError`: a hand-checked value, the gradient against central differences
/// (ε 1e-2, tolerance 2e-2), and its error for mismatched shapes.
@Suite struct MeanSquaredErrorTests {
    @Test func valueAndGradientByHand() throws {
        let loss = try MeanSquaredError.evaluate(
            prediction: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]),
            target: Tensor(shape: [2, 2], scalars: [1, 0, 3, 1]))
        #expect(loss.value == 3.25)  // (0 + 4 + 0 + 9) / 4
        #expect(loss.gradient.scalars == [0, 1, 0, 1.5])
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let (prediction, target) = (randomTensor([3, 4], seed: 521), randomTensor([3, 4], seed: 522))
        let analytic = try MeanSquaredError.evaluate(prediction: prediction, target: target).gradient
        let numeric = try GradientCheck.numericGradient(of: prediction, epsilon: 1e-2) {
            Double(try MeanSquaredError.evaluate(prediction: $0, target: target).value)
        }
        GradientCheck.compare(analytic, numeric, tolerance: 2e-2, "prediction", sourceLocation: #_sourceLocation)
    }

    @Test func rejectsMismatchedShapes() {
        #expect(
            throws: TrainingError.invalidData(
                "MeanSquaredError: prediction [2, 3] and target [3, 2] must have the same non-empty shape")
        ) {
            _ = try MeanSquaredError.evaluate(
                prediction: randomTensor([2, 3], seed: 523), target: randomTensor([3, 2], seed: 524))
        }
    }
}
