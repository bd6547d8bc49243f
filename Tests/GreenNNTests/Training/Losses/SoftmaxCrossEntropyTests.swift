import Foundation
import Testing

@testable import GreenNN

/// `SoftmaxCrossEntropy` against log-softmax written out in Double, its gradient against
/// central differences (ε 1e-2, tolerance 2e-2 as in GradientCheck), its stability for
/// large logits, and its errors.
@Suite struct SoftmaxCrossEntropyTests {
    @Test func lossIsTheMeanNegativeLogLikelihood() throws {
        let logits = randomTensor([3, 5], seed: 511, in: -3..<3)
        let labels = [4, 0, 2]
        let z = logits.scalars
        var expected: Double = 0
        for row in 0..<3 {
            let line = (0..<5).map { Double(z[row * 5 + $0]) }
            expected += log(line.map(exp).reduce(0, +)) - line[labels[row]]
        }
        let loss = try SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels)
        #expect(abs(Double(loss.value) - expected / 3) < 1e-5)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let logits = randomTensor([2, 4], seed: 512, in: -2..<2)
        let labels = [1, 3]
        let analytic = try SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels).gradient
        let numeric = try GradientCheck.numericGradient(of: logits, epsilon: 1e-2) {
            Double(try SoftmaxCrossEntropy.evaluate(logits: $0, labels: labels).value)
        }
        GradientCheck.compare(analytic, numeric, tolerance: 2e-2, "logits", sourceLocation: #_sourceLocation)
        for row in 0..<2 {
            #expect(
                abs(analytic.scalars[(row * 4)..<(row * 4 + 4)].reduce(0, +)) < 1e-6,
                "each row of the gradient sums to 0")
        }
    }

    @Test func largeLogitsStayFinite() throws {
        let logits = try Tensor(shape: [2, 3], scalars: [1000, -1000, 0, -5000, 5000, 4990])
        let loss = try SoftmaxCrossEntropy.evaluate(logits: logits, labels: [1, 2])
        // Row 0: 1000 − (−1000) = 2000. Row 1: log(1 + e^−10) + 10 ≈ 10.0000454.
        #expect(abs(loss.value - (2000 + 10.0000454) / 2) < 1e-2)
        #expect(loss.gradient.scalars.allSatisfy { $0.isFinite })
    }

    @Test func rejectsLabelsThatDoNotFit() {
        let logits = randomTensor([2, 3], seed: 513)
        #expect(throws: TrainingError.invalidData("SoftmaxCrossEntropy: label 3 at index 1 is outside 0..<3")) {
            _ = try SoftmaxCrossEntropy.evaluate(logits: logits, labels: [0, 3])
        }
        #expect(throws: TrainingError.invalidData("SoftmaxCrossEntropy: expected 2 labels for logits [2, 3], got 1")) {
            _ = try SoftmaxCrossEntropy.evaluate(logits: logits, labels: [0])
        }
        #expect(throws: TrainingError.self) {
            _ = try SoftmaxCrossEntropy.evaluate(logits: randomTensor([6], seed: 514), labels: [0])
        }
    }
}
