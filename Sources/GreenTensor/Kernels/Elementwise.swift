// Element-wise kernels: y = min(max(x + shift, lower), upper), which covers bias add,
// ReLU (lower 0), ReLU6 (lower 0, upper 6) and their fusions. They write in place when
// the caller hands over the only reference to the tensor: `x = relu(consume x)` does not copy.
// Large tensors are split into chunks across threads.
internal import CKernels

/// Elements per parallel chunk: large enough that thread start-up is noise.
private let elementsPerChunk = 1 << 16

/// Applies `min(max(x + shift, lower), upper)` to a span of `count` floats at `base`,
/// in parallel chunks.
private func shiftClamp(_ base: UnsafeMutablePointer<Float>, count: Int, shift: Float, lower: Float, upper: Float) {
    let values = SharedPointer(base)
    let chunks = (count + elementsPerChunk - 1) / elementsPerChunk
    parallelFor(chunks) { _, range in
        let start = range.lowerBound * elementsPerChunk
        let end = Swift.min(count, range.upperBound * elementsPerChunk)
        Kernels.table.shiftClamp(values.base + start, end - start, shift, lower, upper)
    }
}

/// Clamps every element into `lower...upper` (either bound may be infinite).
/// - Throws: `TensorError.invalidArgument` when `lower > upper` or a bound is NaN.
public func clamped(_ input: consuming Tensor, lower: Float, upper: Float) throws(TensorError) -> Tensor {
    guard lower <= upper else {
        throw .invalidArgument(operation: "clamped", message: "lower (\(lower)) must be <= upper (\(upper))")
    }
    return clampedInPlace(input, lower: lower, upper: upper)
}

/// `clamped` for bounds already known to be ordered.
private func clampedInPlace(_ input: consuming Tensor, lower: Float, upper: Float) -> Tensor {
    var output = input
    output.withUnsafeMutableBufferPointer { buffer in
        if let base = buffer.baseAddress {
            shiftClamp(base, count: buffer.count, shift: 0, lower: lower, upper: upper)
        }
    }
    return output
}

/// ReLU: `max(x, 0)`, any shape.
public func relu(_ input: consuming Tensor) -> Tensor {
    clampedInPlace(input, lower: 0, upper: .infinity)
}

/// ReLU6: `min(max(x, 0), 6)` (MobileNet), any shape.
public func relu6(_ input: consuming Tensor) -> Tensor {
    clampedInPlace(input, lower: 0, upper: 6)
}

/// Adds `bias[c]` to every element of channel `c`, optionally clamping the result
/// (a fused bias + ReLU when `lower` is 0).
/// - Parameters:
///   - input: `[N, C, …]` (any trailing axes, e.g. `[N, C, H, W]` or `[N, C]`).
///   - bias: `[C]`.
/// - Returns: the input's shape.
/// - Throws: `TensorError` for rank below 2, a bias that is not `[C]`, or `lower > upper`.
public func addingChannelBias(
    _ input: consuming Tensor, _ bias: Tensor, lower: Float = -.infinity, upper: Float = .infinity
) throws(TensorError) -> Tensor {
    guard input.shape.rank >= 2 else {
        throw .shapeMismatch(operation: "addingChannelBias", expected: "input [N, C, …]", actual: input.shape)
    }
    let channels = input.shape[1]
    try Tensor.checkBias(bias, channels: channels, for: "addingChannelBias")
    guard lower <= upper else {
        throw .invalidArgument(operation: "addingChannelBias", message: "lower (\(lower)) must be <= upper (\(upper))")
    }
    var output = input
    let planeSize = output.shape.dimensions.dropFirst(2).reduce(1, *)
    let planes = output.shape[0] * channels
    let shifts = SharedPointer(bias.storage.base)
    output.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        let values = SharedPointer(base)
        parallelFor(planes) { _, range in
            for plane in range {
                Kernels.table.shiftClamp(values.base + plane * planeSize, planeSize, shifts.base[plane % channels], lower, upper)
            }
        }
    }
    return output
}
