// Pooling on u8 codes, straight between batches of one scale and zero point: max pooling is exact
// (the map from codes to reals is increasing), average pooling divides the sum of codes by the
// window's divisor rounded half up (padding counted as the zero point, a real 0, when the divisor
// includes it), global average pooling likewise over each plane. Planes run in parallel.
internal import CKernels

/// Max pooling of every plane of `input` (u8 `[N, C, H, W]`) into `output`.
package func int8MaxPool(
    _ input: Int8Batch, geometry: WindowGeometry, into output: Int8Batch,
    instructionSet: Int8InstructionSet = .active
) {
    let table = Int8Kernels.table(for: instructionSet)
    forEachPlaneRun(batch: input.batch, channels: input.channels, geometry: geometry) { image, channel, window in
        table.maxPoolPlane(input.plane(image, channel: channel), window, output.plane(image, channel: channel))
    }
}

/// Average pooling of every plane of `input` (u8 `[N, C, H, W]`, zero point `zeroPoint`) into
/// `output`, the divisor counting padded cells when `countIncludesPadding`.
package func int8AveragePool(
    _ input: Int8Batch, geometry: WindowGeometry, countIncludesPadding: Bool, zeroPoint: UInt8,
    into output: Int8Batch, instructionSet: Int8InstructionSet = .active
) {
    let table = Int8Kernels.table(for: instructionSet)
    forEachPlaneRun(batch: input.batch, channels: input.channels, geometry: geometry) { image, channel, window in
        table.averagePoolPlane(
            input.plane(image, channel: channel), window, countIncludesPadding ? 1 : 0, zeroPoint,
            output.plane(image, channel: channel))
    }
}

/// The rounded mean code of each plane of `input` (u8 `[N, C, H, W]`) into `output` (`[N, C, 1, 1]`).
package func int8GlobalAveragePool(
    _ input: Int8Batch, into output: Int8Batch, instructionSet: Int8InstructionSet = .active
) {
    let table = Int8Kernels.table(for: instructionSet)
    let planeSize = input.planeSize
    forEachPlane(input, output, work: planeSize) { source, target in
        target.pointee = table.mean(source, planeSize)
    }
}

/// Runs `body(inputPlane, outputPlane)` for every (image, channel), planes in parallel.
private func forEachPlane(
    _ input: Int8Batch, _ output: Int8Batch, work: Int,
    _ body: @Sendable (UnsafePointer<UInt8>, UnsafeMutablePointer<UInt8>) -> Void
) {
    let planes = input.batch * input.channels
    let channels = input.channels
    parallelFor(planes, workers: ComputeThreads.workers(for: planes, work: planes * work)) { _, range in
        for plane in range {
            let (image, channel) = plane.quotientAndRemainder(dividingBy: channels)
            body(input.plane(image, channel: channel), output.plane(image, channel: channel))
        }
    }
}
