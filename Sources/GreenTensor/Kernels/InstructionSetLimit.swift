import Foundation

/// The widest instruction sets GreenTensor may dispatch to, set by the environment variable
/// `GREENNN_MAX_ISA` when the process starts (`generic`, `avx2`, `avx-vnni` or `avx512`): the
/// kernels then run as on a CPU that stops there, e.g. `GREENNN_MAX_ISA=avx2` times the AVX2
/// float and int8 kernels on an AVX-512 VNNI host. A limit never widens what the CPU and its OS
/// support; unset, there is none.
package enum InstructionSetLimit: String, Sendable, CaseIterable {
    /// Portable C only.
    case generic
    /// AVX2 and FMA: no VNNI (a Haswell-class CPU).
    case avx2
    /// AVX2 with AVX-VNNI for the int8 kernels; the float kernels stop at AVX2.
    case avxVNNI = "avx-vnni"
    /// No limit below AVX-512 (VNNI for the int8 kernels).
    case avx512

    /// The limit `GREENNN_MAX_ISA` sets for this process, if any; a value that names none is
    /// reported on standard error once and ignored.
    package static let current: InstructionSetLimit? = {
        guard let value = ProcessInfo.processInfo.environment["GREENNN_MAX_ISA"] else { return nil }
        guard let limit = InstructionSetLimit(rawValue: value) else {
            let names = allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("GREENNN_MAX_ISA=\(value) names none of \(names); ignored\n".utf8))
            return nil
        }
        return limit
    }()

    /// The widest float instruction set this limit allows.
    package var float: KernelInstructionSet {
        switch self {
        case .generic: .generic
        case .avx2, .avxVNNI: .avx2
        case .avx512: .avx512
        }
    }

    /// The widest int8 instruction set this limit allows.
    package var int8: Int8InstructionSet {
        switch self {
        case .generic: .generic
        case .avx2: .avx2
        case .avxVNNI: .avxVNNI
        case .avx512: .avx512VNNI
        }
    }

    /// The narrower of `best` and `limit` in `order` (narrowest first), or `best` without a limit.
    package static func capped<Set: Equatable>(_ best: Set, by limit: Set?, in order: [Set]) -> Set {
        guard let limit, let bestIndex = order.firstIndex(of: best), let limitIndex = order.firstIndex(of: limit)
        else { return best }
        return order[Swift.min(bestIndex, limitIndex)]
    }
}
