import CKernels
import Testing

@testable import GreenTensor

/// The clamp backward kernel, for every instruction set this machine supports, against its
/// definition (the gradient passes where lower < output < upper), and `add(_:scaledBy:)`.
@Suite struct ElementwiseBackwardTests {
    @Test(arguments: KernelInstructionSet.supported)
    func clampBackwardPassesInsideTheOpenInterval(_ instructionSet: KernelInstructionSet) throws {
        let output = relu6(randomTensor([1037], seed: 331) * 8)  // many values exactly 0 or 6
        let gradient = randomTensor([1037], seed: 332)
        let expected = zip(output.scalars, gradient.scalars).map { y, g in y > 0 && y < 6 ? g : 0 }
        var result = [Float](repeating: .nan, count: 1037)
        output.withUnsafeBufferPointer { y in
            gradient.withUnsafeBufferPointer { dy in
                Kernels.table(for: instructionSet).clampBackward(y.baseAddress!, dy.baseAddress!, 1037, 0, 6, &result)
            }
        }
        #expect(result == expected, "\(instructionSet)")
        #expect(try relu6Backward(gradient, output: output).scalars == expected)
        #expect(
            try reluBackward(gradient, output: output).scalars
                == zip(output.scalars, gradient.scalars).map { $0 > 0 ? $1 : 0 })
    }

    @Test func clampBackwardRejectsMismatchedShapes() {
        expectTensorError(["clampBackward", "output gradient [2, 3]", "[3, 2]"]) {
            _ = try clampBackward(
                randomTensor([3, 2], seed: 333), output: randomTensor([2, 3], seed: 334), lower: 0, upper: 1)
        }
    }

    @Test func addAccumulatesInPlaceWithoutTouchingCopies() throws {
        var accumulator = try Tensor(shape: [3], scalars: [1, 2, 3])
        let copy = accumulator
        try accumulator.add(Tensor(shape: [3], scalars: [1, 1, 1]), scaledBy: 2)
        #expect(accumulator.scalars == [3, 4, 5] && copy.scalars == [1, 2, 3])
        try accumulator.add(accumulator)
        #expect(accumulator.scalars == [6, 8, 10])
        expectTensorError(["add(_:scaledBy:)", "[2]"]) { try accumulator.add(Tensor.zeros([2])) }
    }
}
