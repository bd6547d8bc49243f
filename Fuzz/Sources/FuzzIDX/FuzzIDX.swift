import FuzzSupport

/// The file each input is written to (the IDX readers take a path).
let inputFile = FuzzInputFile(harness: "idx")

/// libFuzzer's entry: the input as a raw IDX file (a gzipped one takes the same path; FuzzGzip
/// seeds those), read as labels and as images, the images under a 64 KiB limit. A typed
/// `IDXError` is the expected answer to a bad file; a trap is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    readAsIDX(inputFile.write(start, count))
    return 0
}
