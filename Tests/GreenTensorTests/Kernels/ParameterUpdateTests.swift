import CKernels
import Testing

@testable import GreenTensor

/// The optimizer-update kernels, for every instruction set this machine supports, against the
/// formulas evaluated in Double; and the wrappers' shape checks. Tolerance 1e-5 relative.
@Suite struct ParameterUpdateTests {
    static let count = 1037

    @Test(arguments: KernelInstructionSet.supported)
    func adamMatchesTheFormula(_ instructionSet: KernelInstructionSet) {
        let (value, gradient) = (
            randomTensor([Self.count], seed: 391).scalars, randomTensor([Self.count], seed: 392).scalars
        )
        let mean = randomTensor([Self.count], seed: 393).scalars
        let squares = randomTensor([Self.count], seed: 394).scalars.map { $0 * $0 }
        let (beta1, beta2, stepSize, correction, epsilon, l2, shrink):
            (Float, Float, Float, Float, Float, Float, Float) = (0.9, 0.999, 0.01, 1.5, 1e-8, 0.1, 0.99)
        var (v, m, s) = (value, mean, squares)
        Kernels.table(for: instructionSet).adamUpdate(
            &v, gradient, &m, &s, Self.count, beta1, beta2, stepSize, correction, epsilon, l2, shrink)
        for i in 0..<Self.count {
            let g = Double(gradient[i]) + Double(l2) * Double(value[i])
            let expectedMean = Double(beta1) * Double(mean[i]) + (1 - Double(beta1)) * g
            let expectedSquares = Double(beta2) * Double(squares[i]) + (1 - Double(beta2)) * g * g
            let expected =
                Double(value[i]) * Double(shrink)
                - Double(stepSize) * expectedMean
                / (expectedSquares.squareRoot() * Double(correction) + Double(epsilon))
            #expect(abs(Double(m[i]) - expectedMean) <= 1e-5 * (1 + abs(expectedMean)), "\(instructionSet) mean \(i)")
            #expect(
                abs(Double(s[i]) - expectedSquares) <= 1e-5 * (1 + abs(expectedSquares)),
                "\(instructionSet) squares \(i)")
            #expect(abs(Double(v[i]) - expected) <= 1e-5 * (1 + abs(expected)), "\(instructionSet) value \(i)")
        }
    }

    @Test(arguments: KernelInstructionSet.supported, [false, true])
    func sgdMatchesTheFormula(_ instructionSet: KernelInstructionSet, _ nesterov: Bool) {
        let (value, gradient) = (
            randomTensor([Self.count], seed: 395).scalars, randomTensor([Self.count], seed: 396).scalars
        )
        let velocity = randomTensor([Self.count], seed: 397).scalars
        let (rate, momentum, decay): (Float, Float, Float) = (0.05, 0.9, 0.01)
        var (v, u) = (value, velocity)
        Kernels.table(for: instructionSet).sgdUpdate(
            &v, gradient, &u, Self.count, rate, momentum, decay, nesterov ? 1 : 0)
        var plain = value
        Kernels.table(for: instructionSet).sgdUpdate(&plain, gradient, nil, Self.count, rate, momentum, decay, 0)
        for i in 0..<Self.count {
            let g = Double(gradient[i]) + Double(decay) * Double(value[i])
            let expectedVelocity = Double(momentum) * Double(velocity[i]) + g
            let step = nesterov ? g + Double(momentum) * expectedVelocity : expectedVelocity
            #expect(
                abs(Double(u[i]) - expectedVelocity) <= 1e-5 * (1 + abs(expectedVelocity)),
                "\(instructionSet) velocity \(i)")
            #expect(
                abs(Double(v[i]) - (Double(value[i]) - Double(rate) * step)) <= 1e-5, "\(instructionSet) value \(i)")
            #expect(
                abs(Double(plain[i]) - (Double(value[i]) - Double(rate) * g)) <= 1e-5, "\(instructionSet) plain \(i)")
        }
    }

    @Test func wrappersRejectMismatchedShapes() {
        var value = randomTensor([3], seed: 398), mean = randomTensor([3], seed: 399),
            squares = randomTensor([2], seed: 400)
        expectTensorError(["ParameterUpdate.adam", "[3] (the parameter's shape)", "[2]"]) {
            try ParameterUpdate.adam(
                &value, gradient: randomTensor([3], seed: 401), mean: &mean, squares: &squares, beta1: 0.9,
                beta2: 0.999,
                stepSize: 0.1, correction: 1, epsilon: 1e-8, l2: 0)
        }
        var velocity: Tensor? = randomTensor([4], seed: 402)
        expectTensorError(["ParameterUpdate.sgd", "[4]"]) {
            try ParameterUpdate.sgd(
                &value, gradient: randomTensor([3], seed: 403), velocity: &velocity, rate: 0.1, momentum: 0.9, decay: 0,
                nesterov: false)
        }
    }
}
