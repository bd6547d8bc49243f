import Foundation
import GreenNN

/// The file each input is written to (the IDX readers take a path); one per process.
let inputPath = FileManager.default.temporaryDirectory
    .appendingPathComponent("greennn-fuzz-idx-\(ProcessInfo.processInfo.processIdentifier)").path

/// libFuzzer's entry: the input as a raw IDX file (a gzipped one takes the same path; FuzzGzip
/// seeds those), read as labels and as images, the images under a 64 KiB limit. A typed
/// `IDXError` is the expected answer to a bad file; a trap is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard FileManager.default.createFile(atPath: inputPath, contents: Data(bytes: start, count: count)) else {
        fatalError("cannot write the input to \(inputPath)")
    }
    _ = try? IDX.readLabels(at: inputPath)
    _ = try? IDX.readImages(at: inputPath, limit: 1 << 16)
    return 0
}
