import Foundation
import GreenNN

/// A folder of report files (JSON, CSV, Markdown, SVG, HTML). Every file is saved atomically
/// (`AtomicFile`: a temporary file beside it, fsync, rename), so a crash or a full disk
/// mid-save leaves the previous report whole.
struct ReportFolder {
    /// The folder's path.
    let path: String

    /// The folder at `path`, created with its parents when missing.
    init(creating path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.path = path
    }

    /// Writes `text` as the file `name` in the folder.
    func save(_ name: String, _ text: String) throws {
        try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path).appendingPathComponent(name))
    }
}
