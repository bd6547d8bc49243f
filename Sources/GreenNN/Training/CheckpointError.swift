/// A training checkpoint that cannot be written, or cannot be resumed from: each case names the
/// file (its full path) and says why.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// A file the checkpoint needs does not exist or cannot be read.
    case missingFile(path: String)
    /// A file is there but is not what `checkpoint.json` recorded (size or checksum), or cannot
    /// be parsed.
    case corruptFile(path: String, reason: String)
    /// `checkpoint.json` has a format version this GreenNN does not read.
    case unsupportedFormat(path: String, version: Int, supported: Int)
    /// The checkpoint does not fit this model, optimizer, data or run (tensor names or shapes,
    /// optimizer kind, seed, batch size, training-set size).
    case mismatch(path: String, reason: String)
    /// A file could not be written (or the directory created).
    case unwritable(path: String, reason: String)

    /// "checkpoint: <path> …: <why>".
    public var description: String {
        switch self {
        case let .missingFile(path): "checkpoint: \(path) is missing or unreadable"
        case let .corruptFile(path, reason): "checkpoint: \(path) is corrupt: \(reason)"
        case let .unsupportedFormat(path, version, supported):
            "checkpoint: \(path) has format version \(version); this GreenNN reads version \(supported)"
        case let .mismatch(path, reason): "checkpoint: \(path) does not fit this run: \(reason)"
        case let .unwritable(path, reason): "checkpoint: cannot write \(path): \(reason)"
        }
    }
}
