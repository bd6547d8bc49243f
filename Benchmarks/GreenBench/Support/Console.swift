import Foundation

/// Output helpers: results go to stdout, progress and errors to stderr, so a piped
/// report stays clean.
enum Console {
    /// Writes one line to stderr.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes a progress line to stderr.
    static func progress(_ line: String) {
        error(line)
    }
}
