/// A safetensors file that cannot be read or written: each case names the tensor (when there is
/// one) and the byte offsets involved. Header and offset problems are found before any tensor
/// memory is allocated.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file could not be saved; it is as it was (`AtomicFile`).
    case unwritable(AtomicFileError)
    /// The tensors cannot be encoded: a tensor named `__metadata__`, or a header that is not
    /// valid JSON. Nothing is written.
    case unencodable(reason: String)
    /// The 8-byte little-endian header length is missing or points past the end of the file
    /// (or above the cap).
    case badHeaderLength(length: UInt64, fileSize: Int, cap: Int)
    /// The header (bytes 8 ..< 8 + length) is not a JSON object of tensor entries.
    case badHeader(reason: String)
    /// One entry is malformed: unknown dtype, bad shape or offsets.
    case badEntry(name: String, reason: String)
    /// An entry's bytes lie outside the data section, or do not match dtype × shape.
    case badOffsets(name: String, begin: Int, end: Int, expectedBytes: Int, dataSize: Int)
    /// Two entries' bytes overlap.
    case overlapping(first: String, second: String, offset: Int)
    /// A name appears twice in the header (compared after JSON unescaping).
    case duplicateName(String)
    /// A tensor asked for is not in the file.
    case missing(name: String)

    /// "<what>: <details with names and byte offsets>".
    public var description: String {
        switch self {
        case let .unreadable(path, reason): "safetensors: cannot read \(path): \(reason)"
        case let .unwritable(error): "safetensors: \(error)"
        case let .unencodable(reason): "safetensors: cannot encode the header: \(reason)"
        case let .badHeaderLength(length, fileSize, cap):
            "safetensors: header length \(length) at offset 0 does not fit a \(fileSize)-byte file (cap \(cap) bytes)"
        case let .badHeader(reason): "safetensors: header at offset 8 is not valid: \(reason)"
        case let .badEntry(name, reason): "safetensors: tensor '\(name)': \(reason)"
        case let .badOffsets(name, begin, end, expectedBytes, dataSize):
            "safetensors: tensor '\(name)': data_offsets [\(begin), \(end)) must lie in the \(dataSize)-byte data section and hold \(expectedBytes) bytes"
        case let .overlapping(first, second, offset):
            "safetensors: tensors '\(first)' and '\(second)' overlap at data offset \(offset)"
        case let .duplicateName(name): "safetensors: tensor '\(name)' appears twice in the header"
        case let .missing(name): "safetensors: no tensor named '\(name)'"
        }
    }
}
