import Foundation
import GreenNN

/// libFuzzer's entry: the input as a safetensors buffer for `SafeTensors.decode`. A typed error
/// is the expected answer to a bad file; a trap is a bug. What decodes must encode and decode
/// back to the same names, shapes and bit patterns.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let tensors: [String: Tensor]
    do {
        tensors = try SafeTensors.decode(Data(bytes: start, count: count))
    } catch {
        return 0
    }
    let again: [String: Tensor]
    do {
        again = try SafeTensors.decode(SafeTensors.encode(tensors))
    } catch {
        fatalError("decoded tensors do not encode and decode back: \(error)")
    }
    precondition(again.count == tensors.count, "encode and decode changed the number of tensors")
    for (name, tensor) in tensors {
        guard let copy = again[name], copy.shape == tensor.shape,
            copy.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern)
        else { fatalError("tensor '\(name)' changed through encode and decode") }
    }
    return 0
}
