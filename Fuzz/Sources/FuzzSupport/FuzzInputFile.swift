import Foundation
import GreenNN

/// The file a harness writes each input to, for readers that take a path: one per harness and
/// process, under `TMPDIR` (`Scripts/fuzz.sh` points it into `.build/fuzz-tmp`).
public struct FuzzInputFile: Sendable {
    /// The file's path.
    public let path: String

    /// The file for the harness called `harness` ("idx", "gzip", "state-dict").
    public init(harness: String) {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("greennn-fuzz-\(harness)-\(ProcessInfo.processInfo.processIdentifier)").path
    }

    /// Replaces the file's content with the `count` bytes at `start` and returns its path.
    public func write(_ start: UnsafePointer<UInt8>, _ count: Int) -> String {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes: start, count: count)) else {
            fatalError("cannot write the input to \(path)")
        }
        return path
    }
}

/// What FuzzIDX and FuzzGzip do with a file (the same readers; their seeds differ): read it as
/// labels and as images, the images under a 64 KiB limit so the size limit's paths are reached
/// too. A typed `IDXError` is the expected answer to a bad file; a trap is a bug.
public func readAsIDX(_ path: String) {
    _ = try? IDX.readLabels(at: path)
    _ = try? IDX.readImages(at: path, limit: 1 << 16)
}
