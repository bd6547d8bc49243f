import Testing

@testable import GreenTensor

/// `GREENNN_MAX_ISA`'s limit: each value's float and int8 sets, and a limit that narrows the
/// CPU's best set but never widens it.
struct InstructionSetLimitTests {
    @Test func eachLimitNamesItsFloatAndInt8Sets() {
        let expected: [(String, KernelInstructionSet, Int8InstructionSet)] = [
            ("generic", .generic, .generic), ("avx2", .avx2, .avx2), ("avx-vnni", .avx2, .avxVNNI),
            ("avx512", .avx512, .avx512VNNI),
        ]
        for (name, float, int8) in expected {
            let limit = InstructionSetLimit(rawValue: name)
            #expect(limit?.float == float && limit?.int8 == int8, "\(name)")
        }
        #expect(InstructionSetLimit(rawValue: "AVX2") == nil && InstructionSetLimit(rawValue: "sse4") == nil)
    }

    @Test func aLimitNarrowsButNeverWidens() {
        let order = Int8InstructionSet.allCases
        #expect(InstructionSetLimit.capped(Int8InstructionSet.avx512VNNI, by: .avx2, in: order) == .avx2)
        #expect(InstructionSetLimit.capped(Int8InstructionSet.avx2, by: .avx512VNNI, in: order) == .avx2)
        #expect(InstructionSetLimit.capped(Int8InstructionSet.avxVNNI, by: nil, in: order) == .avxVNNI)
        let floats = KernelInstructionSet.allCases
        #expect(InstructionSetLimit.capped(KernelInstructionSet.avx512, by: .generic, in: floats) == .generic)
        #expect(InstructionSetLimit.capped(KernelInstructionSet.generic, by: .avx512, in: floats) == .generic)
    }

    /// Without `GREENNN_MAX_ISA` (as the tests run), the active sets are the widest supported.
    @Test func withoutALimitTheWidestSupportedSetsRun() throws {
        try #require(InstructionSetLimit.current == nil, "GREENNN_MAX_ISA is set for this run")
        #expect(KernelInstructionSet.active == KernelInstructionSet.supported.last)
        #expect(Int8InstructionSet.active == Int8InstructionSet.supported.last)
    }
}
