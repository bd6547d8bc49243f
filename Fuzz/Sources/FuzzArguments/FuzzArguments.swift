/// libFuzzer's entry: the input split at 0 bytes into a command line for greenbench's
/// `Arguments` (the options of `greenbench run`), then every accessor. A `UsageError` is the
/// expected answer to a bad command line; a trap is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let arguments = UnsafeBufferPointer(start: start, count: count)
        .split(separator: 0, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    do {
        let options = try Arguments(
            arguments, valueOptions: ["batch", "runs", "warmup", "threads", "format", "out"],
            flagOptions: ["layers", "eager"])
        _ = options.positionals
        _ = options.flag("layers") || options.flag("eager")
        _ = options.value("out")
        _ = try options.integer("batch", default: 1, in: 1...100_000)
        _ = try options.integer("runs", default: 10, in: Int.min...Int.max)
        _ = try options.integer("warmup", default: 3, in: 0...0)
        let _: OutputFormat = try options.choice("format", default: .text)
    } catch {
        return 0
    }
    return 0
}
