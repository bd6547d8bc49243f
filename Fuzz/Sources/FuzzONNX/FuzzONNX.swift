import Foundation
import GreenNN
import GreenONNX

/// libFuzzer's entry: the input as an ONNX file for `ONNXModel(serialized:)`. A typed
/// `ONNXError` is the expected answer to a bad file; a trap is a bug. A model that imports is
/// also costed at batch 1 when its input shape is fixed and small (at most 2^16 elements), and
/// run once on zeros when that costs at most 2^20 MACs, so the layers built are explored too
/// without timeouts; the output must have the shape the cost model gives.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let model: ONNXModel
    do {
        model = try ONNXModel(serialized: Data(bytes: start, count: count))
    } catch {
        return 0
    }
    guard let shape = model.input(batch: 1), let elements = try? shape.checkedElementCount(for: "FuzzONNX"),
        elements <= 1 << 16, let cost = try? model.network.cost(for: shape)
    else { return 0 }
    guard cost.macs <= 1 << 20, cost.flops <= 1 << 22, let input = try? Tensor.zeros(shape) else { return 0 }
    guard let output = try? model.network(input) else { return 0 }
    precondition(output.shape == cost.output, "the forward pass gave \(output.shape), its cost says \(cost.output)")
    return 0
}
