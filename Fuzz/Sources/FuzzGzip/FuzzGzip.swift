import FuzzSupport

/// The file each input is written to (the IDX readers take a path).
let inputFile = FuzzInputFile(harness: "gzip")

/// libFuzzer's entry: the input as a gzipped IDX file (the seeds are gzipped, and the readers
/// inflate whatever starts with 1f 8b), read as labels and as images, the images under a 64 KiB
/// limit so that the size limit's paths are reached too. A typed `IDXError` is the expected
/// answer to a bad stream; a trap is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    readAsIDX(inputFile.write(start, count))
    return 0
}
