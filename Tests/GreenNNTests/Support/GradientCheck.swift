import Testing

@testable import GreenNN

/// Finite-difference checks of a layer's backward pass.
///
/// The loss is `L = Σ output ⊙ R` for a fixed random `R`, summed in Double, so `R` is the
/// output gradient handed to `backward(_:)`. Every input element and every parameter element
/// is moved by ±ε and `(L(+ε) − L(−ε)) / 2ε` (central differences) is compared with the
/// analytic gradient: `|numeric − analytic| <= tolerance · (0.05 + |analytic|)`. The defaults,
/// ε = 1e-2 and tolerance 2e-2, hold for Float forward passes of the small shapes used here
/// (the rounding of L is about 1e-6, so its error after dividing by 2ε stays near 1e-4).
enum GradientCheck {
    /// Positions of the first mismatches, reported at most this many per tensor.
    static let reportedMismatches = 3

    /// `Σ output[i] · weights[i]` in Double.
    static func loss(_ output: Tensor, _ weights: Tensor) -> Double {
        zip(output.scalars, weights.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Checks `layer`'s input gradient and every parameter's gradient against central
    /// differences of `L` at `input`, with the layer in training mode.
    ///
    /// - Parameter evaluate: the function differentiated numerically; defaults to the layer's
    ///   own forward pass (pass a fresh seeded layer per call for a layer that draws random masks).
    static func expectGradientsMatch(
        _ layer: any Layer, input: Tensor, epsilon: Float = 1e-2, tolerance: Float = 2e-2, _ context: String = "",
        evaluate: ((Tensor) throws -> Tensor)? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        layer.train()
        layer.zeroGradients()
        let output = try layer.forward(input)
        let weights = randomTensor(output.shape, seed: 977)
        let inputGradient = try layer.backward(weights)
        #expect(inputGradient.shape == input.shape, "\(context): input gradient shape", sourceLocation: sourceLocation)
        let parameterGradients = layer.parameters.map { ($0.name, $0.parameter, $0.parameter.gradient) }
        let forward = evaluate ?? { try layer.forward($0) }

        let numericInput = try numericGradient(of: input, epsilon: epsilon) { try loss(forward($0), weights) }
        compare(
            inputGradient, numericInput, tolerance: tolerance, "\(context): input gradient",
            sourceLocation: sourceLocation)

        for (name, parameter, analytic) in parameterGradients {
            let original = parameter.value
            let numeric = try numericGradient(of: original, epsilon: epsilon) { value in
                parameter.value = value
                return try loss(forward(input), weights)
            }
            parameter.value = original
            compare(
                analytic, numeric, tolerance: tolerance, "\(context): gradient of \(name)",
                sourceLocation: sourceLocation)
        }
    }

    /// `∂f/∂x` by central differences, element by element.
    static func numericGradient(of point: Tensor, epsilon: Float, _ f: (Tensor) throws -> Double) throws -> Tensor {
        var gradient = [Float](repeating: 0, count: point.elementCount)
        for index in 0..<point.elementCount {
            var plus = point, minus = point
            plus.withUnsafeMutableBufferPointer { $0[index] += epsilon }
            minus.withUnsafeMutableBufferPointer { $0[index] -= epsilon }
            gradient[index] = Float((try f(plus) - f(minus)) / (2 * Double(epsilon)))
        }
        return try Tensor(shape: point.shape, scalars: gradient)
    }

    /// Records the first few elements where `analytic` and `numeric` disagree.
    static func compare(
        _ analytic: Tensor, _ numeric: Tensor, tolerance: Float, _ context: String, sourceLocation: SourceLocation
    ) {
        guard analytic.shape == numeric.shape else {
            Issue.record(
                "\(context): shape \(analytic.shape), expected \(numeric.shape)", sourceLocation: sourceLocation)
            return
        }
        let a = analytic.scalars, n = numeric.scalars
        var reported = 0
        for index in a.indices where !(abs(a[index] - n[index]) <= tolerance * (0.05 + abs(a[index]))) {
            Issue.record(
                "\(context): at \(position(of: index, in: analytic.shape)) analytic \(a[index]), numeric \(n[index])",
                sourceLocation: sourceLocation)
            reported += 1
            if reported == reportedMismatches { return }
        }
    }

    /// Backward throws `.invalidState` after an inference-mode forward pass, and a second
    /// backward after one training-mode forward pass throws too.
    static func expectBackwardNeedsTrainingForward(
        _ layer: any Layer, input: Tensor, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        layer.eval()
        let output = try layer.forward(input)
        expectInvalidState(sourceLocation: sourceLocation) { _ = try layer.backward(output) }
        layer.train()
        let trainingOutput = try layer.forward(input)
        _ = try layer.backward(trainingOutput)
        expectInvalidState(sourceLocation: sourceLocation) { _ = try layer.backward(trainingOutput) }
    }

    /// Expects a `LayerError` whose reason is `.invalidState` mentioning the training-mode forward pass.
    static func expectInvalidState(sourceLocation: SourceLocation, _ body: () throws -> Void) {
        let error = expectLayerError(["training-mode forward pass"], sourceLocation: sourceLocation, body)
        if let error, case .invalidState = error.reason {
        } else if error != nil {
            Issue.record("expected reason .invalidState, got \(error!.reason)", sourceLocation: sourceLocation)
        }
    }
}

/// A tensor whose values are a seeded permutation of `start, start + step, …`: every two values
/// differ by at least `step`, so a ±ε perturbation (ε < step/2) never reorders them (max
/// pooling's winner stays put) and, with `start` away from 0, never crosses a ReLU's kink.
func separatedTensor(_ shape: Shape, seed: UInt64, start: Float = -1.025, step: Float = 0.05) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    var values = (0..<shape.elementCount).map { start + step * Float($0) }
    values.shuffle(using: &generator)
    return Naive.tensor(shape, values)
}
