import Foundation
import FuzzSupport
import GreenModels

/// LeNet-5, built once. An input that loads replaces its weights, which later inputs do not mind.
nonisolated(unsafe) let model = try! ModelZoo.model(named: "lenet5")

/// The file each input is written to (`loadWeights(from:)` takes a path).
let inputFile = FuzzInputFile(harness: "state-dict")

/// libFuzzer's entry: the input as a safetensors state dict for LeNet-5, loaded non-strictly and
/// then strictly. A typed `WeightsError` is the expected answer to a file that does not fit; a
/// trap is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStateDict(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let inputPath = inputFile.write(start, count)
    _ = try? model.loadWeights(from: inputPath, strict: false)
    _ = try? model.loadWeights(from: inputPath)
    return 0
}
