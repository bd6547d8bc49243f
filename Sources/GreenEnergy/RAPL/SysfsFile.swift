import Glibc

/// Reads small sysfs files with `open`/`read`, so that a failure keeps its `errno` and
/// becomes an `EnergyError` naming the file and the reason.
enum SysfsFile {
    /// The file's text without surrounding whitespace.
    static func text(at path: String) throws(EnergyError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw error(errno, path: path) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while bytes.count < 4096 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw error(errno, path: path)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// The file's content as a whole number of microjoules.
    static func microjoules(at path: String) throws(EnergyError) -> UInt64 {
        let text = try text(at: path)
        guard let value = UInt64(text) else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw .unreadable(path: path, reason: "expected a whole number of microjoules, got \"\(shown)\"")
        }
        return value
    }

    /// Checks that `path` is a directory that can be listed.
    static func checkDirectory(at path: String) throws(EnergyError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw error(errno, path: path) }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw .unreadable(path: path, reason: "not a directory") }
        guard access(path, R_OK | X_OK) == 0 else { throw error(errno, path: path) }
    }

    /// The entries of a directory, sorted by name.
    static func entries(of path: String) throws(EnergyError) -> [String] {
        guard let directory = opendir(path) else { throw error(errno, path: path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The `EnergyError` for a failed call on `path` with `code` in `errno`.
    static func error(_ code: Int32, path: String) -> EnergyError {
        switch code {
        case ENOENT: return .missing(path: path)
        case EACCES, EPERM: return .permissionDenied(path: path)
        case EISDIR: return .unreadable(path: path, reason: "is a directory")
        case ENOTDIR: return .unreadable(path: path, reason: "a component of the path is not a directory")
        default: return .unreadable(path: path, reason: String(cString: strerror(code)))
        }
    }
}
