internal import CKernels

/// The instruction set of the int8 kernels GreenTensor dispatched to at start-up (chosen apart
/// from the float kernels' `KernelInstructionSet`: VNNI is its own CPU feature).
public enum Int8InstructionSet: String, Sendable, CaseIterable {
    /// Portable C.
    case generic
    /// AVX2: u8 × s8 pairs by vpmaddubsw, kept exact (no 16-bit saturation) by multiplying
    /// |activation − 128| by the weight carrying the activation's sign.
    case avx2
    /// AVX-VNNI: vpdpbusd on 256-bit vectors, four u8 × s8 products a lane.
    case avxVNNI = "avx-vnni"
    /// AVX-512 VNNI: vpdpbusd on 512-bit vectors, used only when the OS enabled AVX-512 state.
    case avx512VNNI = "avx512-vnni"

    /// The widest int8 instruction set this CPU and its OS support (within the environment's
    /// `GREENNN_MAX_ISA`, when set), which GreenTensor uses.
    public static var active: Int8InstructionSet { Int8Kernels.instructionSet }

    /// Every int8 instruction set this machine can run, narrowest first.
    public static var supported: [Int8InstructionSet] {
        allCases.filter { gn_int8_kernels($0.cValue) != nil }
    }

    /// The float kernels' instruction set of the same width (the depthwise conv sums codes in
    /// floats), or the active one where this machine cannot run that.
    var floatInstructionSet: KernelInstructionSet {
        let width: KernelInstructionSet =
            switch self {
            case .generic: .generic
            case .avx2, .avxVNNI: .avx2
            case .avx512VNNI: .avx512
            }
        return KernelInstructionSet.supported.contains(width) ? width : .active
    }

    var cValue: gn_int8_isa {
        switch self {
        case .generic: GN_INT8_GENERIC
        case .avx2: GN_INT8_AVX2
        case .avxVNNI: GN_INT8_AVXVNNI
        case .avx512VNNI: GN_INT8_AVX512VNNI
        }
    }
}

/// The int8 kernel table chosen once at start-up: the widest set the CPU supports, within
/// `GREENNN_MAX_ISA` (`InstructionSetLimit`).
enum Int8Kernels {
    static let instructionSet: Int8InstructionSet = {
        let best: Int8InstructionSet =
            switch gn_int8_best_isa() {
            case GN_INT8_AVX512VNNI: .avx512VNNI
            case GN_INT8_AVXVNNI: .avxVNNI
            case GN_INT8_AVX2: .avx2
            default: .generic
            }
        return InstructionSetLimit.capped(best, by: InstructionSetLimit.current?.int8, in: Int8InstructionSet.allCases)
    }()

    /// The kernels for `instructionSet`, or the active ones when this machine cannot run it.
    static func table(for instructionSet: Int8InstructionSet) -> gn_int8_kernel_table {
        (gn_int8_kernels(instructionSet.cValue) ?? gn_int8_kernels(Self.instructionSet.cValue)!).pointee
    }
}
