// Element-wise kernels on one C loop: y = min(max(x·scale + shift, lower), upper), which
// covers bias add (scale 1), inference BatchNorm (per-channel scale and shift), ReLU
// (lower 0), ReLU6 (lower 0, upper 6) and their fusions. They write in place when the
// caller hands over the only reference to the tensor: `x = relu(consume x)` does not copy;
// otherwise the clamp writes a fresh tensor in one pass (no copy first).
// Large tensors are split into chunks across threads; FLOPs: 2 per element for the affine
// part, 1 per bound.
internal import CKernels

/// Elements per parallel chunk: large enough that thread start-up is noise.
private let elementsPerChunk = 1 << 16

/// `clamped` for bounds already known to be ordered.
private func clampedInPlace(_ input: consuming Tensor, lower: Float, upper: Float) -> Tensor {
    var output = input
    if !isKnownUniquelyReferenced(&output.storage) {
        let result = Tensor(uninitializedShape: output.shape)
        let (source, destination) = (SharedPointer(output.storage.base), SharedPointer(result.storage.base))
        let count = output.elementCount
        parallelFor((count + elementsPerChunk - 1) / elementsPerChunk) { _, range in
            let start = range.lowerBound * elementsPerChunk
            let end = Swift.min(count, range.upperBound * elementsPerChunk)
            Kernels.table.clampCopy(source.base + start, end - start, lower, upper, destination.base + start)
        }
        return result
    }
    output.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        let values = SharedPointer(base)
        let count = buffer.count
        parallelFor((count + elementsPerChunk - 1) / elementsPerChunk) { _, range in
            let start = range.lowerBound * elementsPerChunk
            let end = Swift.min(count, range.upperBound * elementsPerChunk)
            Kernels.table.affineClamp(values.base + start, end - start, 1, 0, lower, upper)
        }
    }
    return output
}

/// Clamps every element into `lower...upper` (either bound may be infinite).
/// - Throws: `TensorError.invalidArgument` when `lower > upper` or a bound is NaN.
public func clamped(_ input: consuming Tensor, lower: Float, upper: Float) throws(TensorError) -> Tensor {
    guard lower <= upper else {
        throw .invalidArgument(operation: "clamped", message: "lower (\(lower)) must be <= upper (\(upper))")
    }
    return clampedInPlace(input, lower: lower, upper: upper)
}

/// ReLU: `max(x, 0)`, any shape.
public func relu(_ input: consuming Tensor) -> Tensor {
    clampedInPlace(input, lower: 0, upper: .infinity)
}

/// ReLU6: `min(max(x, 0), 6)` (MobileNet), any shape.
public func relu6(_ input: consuming Tensor) -> Tensor {
    clampedInPlace(input, lower: 0, upper: 6)
}

/// Per-channel affine map with an optional clamp: channel `c` becomes
/// `min(max(x·scale[c] + shift[c], lower), upper)`. This is inference BatchNorm (and,
/// with `lower: 0`, BatchNorm + ReLU in one pass).
/// - Parameters:
///   - input: `[N, C, …]` (any trailing axes).
///   - scale: `[C]`, or nil for 1.
///   - shift: `[C]`, or nil for 0.
///   - lower: the clamp's lower bound (-infinity for none).
///   - upper: the clamp's upper bound (infinity for none).
/// - Returns: the input's shape.
/// - Throws: `TensorError` for rank below 2, a scale or shift that is not `[C]`, or `lower > upper`.
public func affineChannels(
    _ input: consuming Tensor, scale: Tensor?, shift: Tensor?, lower: Float = -.infinity, upper: Float = .infinity
) throws(TensorError) -> Tensor {
    try affine(input, scale: scale, shift: shift, lower: lower, upper: upper, operation: "affineChannels")
}

/// `affineChannels` with errors naming `operation`.
private func affine(
    _ input: consuming Tensor, scale: Tensor?, shift: Tensor?, lower: Float, upper: Float, operation: String
) throws(TensorError) -> Tensor {
    guard input.shape.rank >= 2 else {
        throw .shapeMismatch(operation: operation, expected: "input [N, C, …]", actual: input.shape)
    }
    let channels = input.shape[1]
    for vector in [scale, shift] {
        if let vector, vector.shape != [channels] {
            throw .shapeMismatch(
                operation: operation, expected: "per-channel vector [\(channels)]", actual: vector.shape)
        }
    }
    guard lower <= upper else {
        throw .invalidArgument(operation: operation, message: "lower (\(lower)) must be <= upper (\(upper))")
    }
    var output = input
    let planeSize = output.shape.dimensions.dropFirst(2).reduce(1, *)
    let planes = output.shape[0] * channels
    let scales = scale.map { SharedPointer($0.storage.base) }
    let shifts = shift.map { SharedPointer($0.storage.base) }
    output.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        let values = SharedPointer(base)
        parallelFor(planeSize == 1 ? 1 : planes) { _, range in
            for plane in (planeSize == 1 ? 0..<planes : range) {
                let channel = plane % channels
                Kernels.table.affineClamp(
                    values.base + plane * planeSize, planeSize, scales?.base[channel] ?? 1, shifts?.base[channel] ?? 0,
                    lower, upper)
            }
        }
    }
    return output
}

/// Adds `bias[c]` to every element of channel `c`, optionally clamping the result
/// (a fused bias + ReLU when `lower` is 0).
/// - Parameters:
///   - input: `[N, C, …]` (any trailing axes, e.g. `[N, C, H, W]` or `[N, C]`).
///   - bias: `[C]`.
///   - lower: the clamp's lower bound (-infinity for none).
///   - upper: the clamp's upper bound (infinity for none).
/// - Returns: the input's shape.
/// - Throws: `TensorError` for rank below 2, a bias that is not `[C]`, or `lower > upper`.
public func addingChannelBias(
    _ input: consuming Tensor, _ bias: Tensor, lower: Float = -.infinity, upper: Float = .infinity
) throws(TensorError) -> Tensor {
    try affine(input, scale: nil, shift: bias, lower: lower, upper: upper, operation: "addingChannelBias")
}

/// `output = min(max((input + addend)·scale[c] + shift[c], lower), upper)` per channel plane,
/// for an inference plan's residual add, or a BatchNorm or activation that no producer could
/// absorb. Without an addend, scale and shift each image is clamped as one run. Images run in
/// parallel.
package func affineClamp(
    _ input: StridedBatch, adding addend: StridedBatch? = nil, scale: UnsafePointer<Float>?,
    shift: UnsafePointer<Float>?, lower: Float, upper: Float, into output: StridedBatch
) {
    let perChannel = scale != nil || shift != nil || addend != nil
    let tasks = perChannel ? input.batch * input.channels : input.batch
    let work = input.batch * input.imageSize
    let (scales, shifts) = (
        scale.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) },
        shift.map { SharedPointer(UnsafeMutablePointer(mutating: $0)) }
    )
    parallelFor(tasks, workers: ComputeThreads.workers(for: tasks, work: work)) { _, range in
        for task in range {
            guard perChannel else {
                Kernels.table.clampCopy(input.image(task), input.imageSize, lower, upper, output.image(task))
                continue
            }
            let (image, channel) = task.quotientAndRemainder(dividingBy: input.channels)
            let target = output.plane(image, channel: channel)
            target.update(from: input.plane(image, channel: channel), count: input.planeSize)
            if let addend {
                let source = addend.plane(image, channel: channel)
                for index in 0..<input.planeSize { target[index] += source[index] }
            }
            Kernels.table.affineClamp(
                target, input.planeSize, scales?.base[channel] ?? 1, shifts?.base[channel] ?? 0, lower, upper)
        }
    }
}
