import GreenNN
import Testing

@testable import GreenBench

/// The int8 GEMM `greenbench peak` times: one product, whatever the instruction set.
@Suite struct Int8GEMMProblemTests {
    /// Every int8 instruction set writes the same codes, and they spread across the code range
    /// (a requantization that clamped them all to one value would make the comparison empty).
    @Test func everyInstructionSetWritesTheSameCodes() throws {
        let problem = try Int8GEMMProblem(size: 96)
        problem.run(on: .generic)
        let reference = problem.codes
        #expect(Set(reference).count > 40, "only \(Set(reference).count) distinct codes")
        for instructionSet in Int8InstructionSet.supported {
            problem.run(on: instructionSet)
            #expect(problem.codes == reference, "\(instructionSet)")
        }
    }
}
