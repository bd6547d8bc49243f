import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Saves files so that a crash, a full disk or any other failure mid-save never leaves a damaged
/// file where a good one was: the target holds either its old content or the new, whole.
///
/// `write(_:to:)` writes the bytes to a new temporary file beside the target (same directory,
/// so the same file system: `.<name>.<pid>.<random>.tmp`), flushes it to disk (`fsync`),
/// renames it over the target (`rename(2)` replaces atomically) and flushes the directory so the
/// rename itself survives a crash. On any failure the temporary file is removed and the target
/// is untouched. A target that exists keeps its permission bits; a symbolic link at the target
/// is replaced by the file, not followed.
///
/// Weights (`saveWeights(to:)`, `SafeTensors.write`), reports and checkpoints are saved this way.
///
/// ```swift
/// try AtomicFile.write(Data(report.utf8), to: URL(fileURLWithPath: "report.json"))
/// ```
public enum AtomicFile {
    /// Replaces the file at `url` with `data` atomically (see the type's documentation).
    /// - Throws: `AtomicFileError` naming the target, the step that failed and `errno`'s text;
    ///   the target is then as it was and no temporary file is left.
    public static func write(_ data: Data, to url: URL) throws(AtomicFileError) {
        try write(data, to: url.path, failingAt: nil)
    }

    /// Replaces the file at `path` with `data` atomically (see the type's documentation).
    /// - Throws: `AtomicFileError` as `write(_:to:)` with a URL.
    public static func write(_ data: Data, to path: String) throws(AtomicFileError) {
        try write(data, to: path, failingAt: nil)
    }

    /// The save, with a simulated failure at `failingAt` for tests: `.write` writes half the
    /// bytes first (a disk that fills up), the others fail instead of their call.
    static func write(
        _ data: Data, to path: String, failingAt injected: AtomicFileError.Step?
    ) throws(AtomicFileError) {
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent().path
        let temporary = temporaryPath(for: target)
        func failure(_ step: AtomicFileError.Step, _ code: Int32?) -> AtomicFileError {
            AtomicFileError(
                path: path, temporaryPath: temporary, step: step,
                reason: code.map { String(cString: strerror($0)) } ?? "simulated failure")
        }
        if injected == .create { throw failure(.create, nil) }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw failure(.create, errno) }
        var isOpen = true
        var succeeded = false
        defer {
            if isOpen { close(descriptor) }
            if !succeeded { unlink(temporary) }
        }
        var existing = stat()
        if stat(path, &existing) == 0 && existing.st_mode & S_IFMT == S_IFREG {
            _ = fchmod(descriptor, existing.st_mode & 0o7777)
        }
        let count = injected == .write ? data.count / 2 : data.count
        let writeError = writeAll(data.prefix(count), to: descriptor)
        if writeError != 0 { throw failure(.write, writeError) }
        if injected == .write { throw failure(.write, nil) }
        if injected == .sync { throw failure(.sync, nil) }
        guard fsync(descriptor) == 0 else { throw failure(.sync, errno) }
        isOpen = false
        guard close(descriptor) == 0 else { throw failure(.sync, errno) }
        if injected == .rename { throw failure(.rename, nil) }
        guard rename(temporary, path) == 0 else { throw failure(.rename, errno) }
        succeeded = true
        // The new file is in place whatever happens now. A file system that cannot sync a
        // directory (EINVAL) only loses the rename's durability, so this is best effort.
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// `.<name>.<pid>.<random>.tmp` beside `target` (the name cut to 100 bytes, so the whole
    /// stays under the usual 255-byte limit).
    static func temporaryPath(for target: URL) -> String {
        let name = String(decoding: target.lastPathComponent.utf8.prefix(100), as: UTF8.self)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return target.deletingLastPathComponent().appendingPathComponent(".\(name).\(getpid()).\(random).tmp").path
    }

    /// Writes every byte of `data` to `descriptor`, retrying short writes and interruptions;
    /// 0, or the `errno` of the write that failed.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> Int32 {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32 in
            guard let base = buffer.baseAddress else { return 0 }
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
    }
}

/// `write(2)`, named apart from `AtomicFile.write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// Why `AtomicFile` could not save a file. The target is then as it was (old content, or
/// absent) and the temporary file is removed.
public struct AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The step of the save that failed.
    public enum Step: String, Sendable, CaseIterable {
        /// Creating the temporary file beside the target (a missing or read-only directory).
        case create
        /// Writing the bytes (a full disk, a quota).
        case write
        /// Flushing the temporary file to disk and closing it.
        case sync
        /// Renaming the temporary file over the target (a directory in the way).
        case rename
    }

    /// The file that was to be saved.
    public let path: String
    /// The temporary file beside it (already removed).
    public let temporaryPath: String
    /// The step that failed.
    public let step: Step
    /// `errno`'s text ("No such file or directory", "No space left on device").
    public let reason: String

    /// An error for the save of `path` that failed at `step`.
    public init(path: String, temporaryPath: String, step: Step, reason: String) {
        self.path = path
        self.temporaryPath = temporaryPath
        self.step = step
        self.reason = reason
    }

    /// "cannot save <path>: <step> failed: <reason>; the file is unchanged".
    public var description: String {
        let what =
            switch step {
            case .create: "creating the temporary file \(temporaryPath)"
            case .write: "writing the temporary file \(temporaryPath)"
            case .sync: "flushing the temporary file \(temporaryPath) to disk"
            case .rename: "renaming the temporary file \(temporaryPath) over it"
            }
        return "cannot save \(path): \(what) failed: \(reason); the file is unchanged"
    }
}
