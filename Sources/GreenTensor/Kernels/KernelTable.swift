internal import CKernels

/// The instruction set of the C kernels GreenTensor dispatched to at start-up.
public enum KernelInstructionSet: String, Sendable, CaseIterable {
    /// Portable C, vectorised only as far as baseline x86-64 (SSE2) allows.
    case generic
    /// AVX2 with FMA.
    case avx2
    /// AVX-512 (F, VL, BW, DQ), used only when the OS enabled its register state.
    case avx512

    /// The widest instruction set this CPU and its OS support (within the environment's
    /// `GREENNN_MAX_ISA`, when set), which GreenTensor uses.
    public static var active: KernelInstructionSet { Kernels.instructionSet }

    /// Every instruction set this machine can run, narrowest first.
    public static var supported: [KernelInstructionSet] {
        allCases.filter { gn_kernels($0.cValue) != nil }
    }

    var cValue: gn_isa {
        switch self {
        case .generic: GN_ISA_GENERIC
        case .avx2: GN_ISA_AVX2
        case .avx512: GN_ISA_AVX512
        }
    }
}

/// The C kernel table chosen once at start-up: the widest set the CPU supports, within
/// `GREENNN_MAX_ISA` (`InstructionSetLimit`).
enum Kernels {
    static let instructionSet: KernelInstructionSet = {
        let best: KernelInstructionSet =
            switch gn_best_isa() {
            case GN_ISA_AVX512: .avx512
            case GN_ISA_AVX2: .avx2
            default: .generic
            }
        return InstructionSetLimit.capped(
            best, by: InstructionSetLimit.current?.float, in: KernelInstructionSet.allCases)
    }()

    /// The kernels compiled for `instructionSet` (immutable C function pointers).
    static let table: gn_kernel_table = table(for: instructionSet)

    /// The kernels for `instructionSet`; the caller checked it is supported.
    static func table(for instructionSet: KernelInstructionSet) -> gn_kernel_table {
        gn_kernels(instructionSet.cValue)!.pointee
    }
}
