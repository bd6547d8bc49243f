#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A regular file opened for reading with `open`, `fstat` and `read`. Its size is known before
/// anything is read, so a reader checks what a header declares against what the file holds and
/// then reads exactly the bytes it needs: no allocation is ever sized by a header alone.
///
/// ```swift
/// let file = try ReadOnlyFile(path: "layer.safetensors")
/// let prefix = try file.next(Swift.min(file.size, 8))
/// ```
final class ReadOnlyFile {
    /// Why a file could not be opened or read: `strerror`'s text, "is a directory" or "not a
    /// regular file".
    struct Failure: Error {
        let reason: String

        init(reason: String) { self.reason = reason }

        init(errno code: Int32) { reason = String(cString: strerror(code)) }
    }

    /// The path the file was opened from.
    let path: String
    /// The file's size in bytes when it was opened.
    let size: Int
    private let descriptor: Int32

    /// Opens the regular file at `path` (symbolic links followed).
    /// - Throws: `Failure` when it cannot be opened or is not a regular file (a directory, a
    ///   pipe or a device has no size to check against).
    init(path: String) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(errno: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw Failure(errno: code)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            let isDirectory = status.st_mode & S_IFMT == S_IFDIR
            close(descriptor)
            throw Failure(reason: isDirectory ? "is a directory" : "not a regular file")
        }
        self.path = path
        self.size = Int(status.st_size)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The next `count` bytes from the current position, fewer when the file ends first (it
    /// shrank since it was opened). Callers bound `count` by `size`.
    /// - Throws: `Failure` with `strerror`'s text when a read fails.
    func next(_ count: Int) throws(Failure) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while initialized < count {
                let got = read(descriptor, buffer.baseAddress! + initialized, count - initialized)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if got == 0 { return }
                initialized += got
            }
        }
        guard failure == 0 else { throw Failure(errno: failure) }
        return bytes
    }
}
