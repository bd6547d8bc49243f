// Int8 convolutions of u8 codes by s8 weights, requantized into u8 codes as they are stored.
//   dense and grouped: im2col on codes (padding as the input's zero point; skipped for a 1x1
//     stride-1 unpadded conv, whose input plane is already the column matrix), then the int8
//     GEMM of each group's packed weights [O/g, C/g·kH·kW] by its columns [C/g·kH·kW, H'·W'];
//   depthwise: the direct per-plane kernel.
// MACs: N · O · H'·W' · (C/g)·kH·kW (depthwise: N · C · H'·W' · kH·kW), as the float kernels.
// Images run in parallel when there are as many as workers, else column blocks of one image.
internal import CKernels

/// The int8 GEMM's column tile: workers split an image's positions at multiples of it.
private let columnBlock = 64

/// Convolves `input` (u8 `[N, C, H, W]`, zero point `requantization.inputZeroPoint`) by
/// `weights` (one packed `[O/g, C/g·kH·kW]` matrix per group) over `geometry` into `output`
/// (u8 `[N, O, H', W']`), each output channel requantized as `requantization` says.
package func int8Convolve(
    _ input: Int8Batch, weights: [PackedInt8Matrix], geometry: WindowGeometry, requantization: Int8Requantization,
    into output: Int8Batch, workspace: Workspace, instructionSet: Int8InstructionSet = .active
) {
    let job = Int8ConvolutionJob(
        input: input, output: output, weights: weights, geometry: geometry, requantization: requantization,
        table: Int8Kernels.table(for: instructionSet))
    let (columnBytes, gemmBytes, positions) = (job.columnBytes, job.gemmBytes, geometry.outputPositions)
    let work = input.batch * output.channels * positions * job.reduction
    let workers = ComputeThreads.workers(for: Swift.max(input.batch, positions / columnBlock), work: work)
    if input.batch >= workers {
        let scratch = SharedBytes(workspace, bytes: workers * (columnBytes + gemmBytes))
        parallelFor(input.batch, workers: workers) { worker, images in
            let base = scratch.base + worker * (columnBytes + gemmBytes)
            for image in images {
                for group in 0..<weights.count {
                    let matrix = job.columns(image, group: group, scratch: base)
                    job.multiply(
                        image, group: group, columns: matrix, range: 0..<positions, scratch: base + columnBytes)
                }
            }
        }
        return
    }
    let scratch = SharedBytes(workspace, bytes: columnBytes + workers * gemmBytes)
    let blocks = (positions + columnBlock - 1) / columnBlock
    for image in 0..<input.batch {
        for group in 0..<weights.count {
            let matrix = SharedBytes(
                pointer: UnsafeMutablePointer(mutating: job.columns(image, group: group, scratch: scratch.base)))
            parallelFor(blocks, workers: Swift.min(workers, blocks)) { worker, range in
                let columnRange = range.lowerBound * columnBlock..<Swift.min(positions, range.upperBound * columnBlock)
                job.multiply(
                    image, group: group, columns: UnsafePointer(matrix.base), range: columnRange,
                    scratch: scratch.base + columnBytes + worker * gemmBytes)
            }
        }
    }
}

/// One int8 convolution's operands and sizes, shared by its workers (who touch disjoint outputs
/// and their own scratch).
private struct Int8ConvolutionJob: @unchecked Sendable {
    let input: Int8Batch
    let output: Int8Batch
    let weights: [PackedInt8Matrix]
    let requantization: Int8Requantization
    let table: gn_int8_kernel_table
    let window: gn_window
    let groupChannels: Int
    let groupOutputs: Int
    let reduction: Int
    let positions: Int
    /// Whether the input planes are the column matrix (1x1, stride 1, no padding).
    let direct: Bool
    /// Bytes of scratch for the column matrix, then a padded copy of one plane.
    let columnBytes: Int
    let matrixBytes: Int
    let gemmBytes: Int

    init(
        input: Int8Batch, output: Int8Batch, weights: [PackedInt8Matrix], geometry: WindowGeometry,
        requantization: Int8Requantization, table: gn_int8_kernel_table
    ) {
        (self.input, self.output, self.weights, self.requantization, self.table) = (
            input, output, weights, requantization, table
        )
        window = geometry.cValue
        groupChannels = input.channels / weights.count
        groupOutputs = output.channels / weights.count
        reduction = groupChannels * geometry.taps
        positions = geometry.outputPositions
        direct = geometry.isPointwise && geometry.stride == 1 && geometry.padding == 0 && input.planeSize == positions
        matrixBytes = (reduction * positions + 8 + 63) / 64 * 64
        let padded = (geometry.input.height + 2 * geometry.padding.height) * (geometry.input.width + 2 * geometry.padding.width)
        columnBytes = direct ? 0 : matrixBytes + (padded + 8 + 63) / 64 * 64
        gemmBytes = (gn_int8_workspace_size(reduction) + 63) / 64 * 64
    }

    /// Columns of group `group` of image `image` (the plane itself when direct), built in `scratch`.
    func columns(_ image: Int, group: Int, scratch: UnsafeMutablePointer<UInt8>) -> UnsafePointer<UInt8> {
        let source = input.plane(image, channel: group * groupChannels)
        if direct { return UnsafePointer(source) }
        var window = window
        table.im2col(
            source, Int32(groupChannels), &window, UInt8(truncatingIfNeeded: requantization.inputZeroPoint), scratch,
            positions, scratch + matrixBytes)
        return UnsafePointer(scratch)
    }

    /// Output columns `range` of group `group` of image `image`: the int8 GEMM and its requantization.
    func multiply(
        _ image: Int, group: Int, columns: UnsafePointer<UInt8>, range: Range<Int>, scratch: UnsafeMutablePointer<UInt8>
    ) {
        requantization.withCValue(from: group * groupOutputs) { cRequantization in
            table.gemm(
                weights[group].base.assumingMemoryBound(to: Int8.self), Int32(groupOutputs), Int32(reduction),
                columns + range.lowerBound, positions, Int32(range.count), cRequantization,
                output.plane(image, channel: group * groupOutputs) + range.lowerBound, output.planeSize,
                UnsafeMutableRawPointer(scratch))
        }
    }
}

/// Convolves each plane of `input` (u8 `[N, C, H, W]`) by its own filter of `weights`
/// (s8 `[C, kH·kW]`, codes in −127...127) over `geometry` into `output` (u8 `[N, C, H', W']`),
/// channel `c` requantized with `requantization`'s entry `c`. Planes run in parallel.
package func int8DepthwiseConvolve(
    _ input: Int8Batch, weights: UnsafePointer<Int8>, geometry: WindowGeometry, requantization: Int8Requantization,
    into output: Int8Batch, workspace: Workspace, instructionSet: Int8InstructionSet = .active
) {
    let channels = input.channels
    let planes = input.batch * channels
    let paddedBytes =
        (geometry.input.height + 2 * geometry.padding.height)
        * (geometry.input.width + 2 * geometry.padding.width)
    let perWorker = (paddedBytes + 32 * geometry.stride.width + 4 * geometry.taps + 64 + 63) / 64 * 64
    let workers = ComputeThreads.workers(for: planes, work: planes * geometry.outputPositions * geometry.taps)
    let scratch = SharedBytes(workspace, bytes: perWorker * workers)
    let table = Int8Kernels.table(for: instructionSet)
    let (cWindow, taps) = (geometry.cValue, geometry.taps)
    let weights = SharedBytes(pointer: UnsafeMutableRawPointer(mutating: weights).assumingMemoryBound(to: UInt8.self))
    parallelFor(planes, workers: workers) { worker, range in
        var window = cWindow
        for plane in range {
            let (image, channel) = plane.quotientAndRemainder(dividingBy: channels)
            requantization.withCValue(from: channel) { cRequantization in
                table.depthwisePlane(
                    input.plane(image, channel: channel),
                    UnsafeRawPointer(weights.base + channel * taps).assumingMemoryBound(to: Int8.self), &window,
                    cRequantization, scratch.base + worker * perWorker, output.plane(image, channel: channel))
            }
        }
    }
}

/// Bytes of a `Workspace` handed to parallel workers, each using a disjoint part.
struct SharedBytes: @unchecked Sendable {
    /// The first byte.
    let base: UnsafeMutablePointer<UInt8>

    /// At least `bytes` bytes of `workspace`, 64-byte aligned.
    init(_ workspace: Workspace, bytes: Int) {
        let raw = UnsafeMutableRawPointer(workspace.floats((bytes + 3) / 4 + 16))
        base = raw.assumingMemoryBound(to: UInt8.self)
    }

    /// Wraps `pointer`.
    init(pointer: UnsafeMutablePointer<UInt8>) {
        base = pointer
    }
}
