import CKernels
import Testing

@testable import GreenTensor

/// The out-of-place clamp that `relu`/`relu6`/`clamped` use when the input is shared: every
/// instruction set against the definition, and the shared input left untouched.
@Suite struct ClampCopyTests {
    @Test(arguments: KernelInstructionSet.supported)
    func clampCopyMatchesTheDefinition(_ instructionSet: KernelInstructionSet) {
        var values = (randomTensor([1037], seed: 411) * 8).scalars
        values[5] = .nan
        var output = [Float](repeating: 0, count: values.count)
        Kernels.table(for: instructionSet).clampCopy(values, values.count, 0, 6, &output)
        for (x, y) in zip(values, output) {
            if x.isNaN {
                #expect(y.isNaN)
            } else {
                #expect(y == Swift.min(Swift.max(x, 0), 6), "\(instructionSet) \(x)")
            }
        }
    }

    @Test func aSharedInputIsLeftAlone() {
        let input = randomTensor([3, 70_000], seed: 412)
        let output = relu6(input * 8)
        let shared = relu(input)
        #expect(input.scalars.contains { $0 < 0 }, "the input keeps its negative values")
        #expect(shared.scalars == input.scalars.map { Swift.max($0, 0) })
        #expect(output.scalars.allSatisfy { $0 >= 0 && $0 <= 6 })
    }
}
