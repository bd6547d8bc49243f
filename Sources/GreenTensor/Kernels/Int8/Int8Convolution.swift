// Int8 convolutions of u8 codes by s8 weights, requantized into u8 codes as they are stored.
//   dense and grouped: im2col on codes (padding as the input's zero point; skipped for a 1x1
//     stride-1 unpadded conv, whose input plane is already the column matrix), then the int8
//     GEMM of each group's packed weights [O/g, C/g·kH·kW] by its columns [C/g·kH·kW, H'·W'];
//   depthwise: the direct per-plane kernel.
// MACs: N · O · H'·W' · (C/g)·kH·kW (depthwise: N · C · H'·W' · kH·kW), as the float kernels.
// Small planes in a batch (fewer than 128 output positions) put every image's columns side by side
// into one matrix, so one GEMM reads the weights once for the batch (a deep layer's weights are
// larger than its activations) and fills whole column tiles; its [O/g, N·H'·W'] result is then
// copied into each image's planes. Otherwise images run in parallel when there are as many as
// workers, else column blocks of one image.
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
    if input.batch > 1 && positions < 128 {
        convolveSideBySide(job, workspace: workspace, work: work)
        return
    }
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

/// `job` with every image's columns side by side: gathered image by image, then one GEMM per
/// group over column blocks in parallel into `[O/g, N·H'·W']`, then copied into the output planes.
private func convolveSideBySide(_ job: Int8ConvolutionJob, workspace: Workspace, work: Int) {
    let (batch, positions) = (job.input.batch, job.positions)
    let width = batch * positions
    let blocks = (width + columnBlock - 1) / columnBlock
    let workers = ComputeThreads.workers(for: blocks, work: work)
    let matrixBytes = (job.reduction * width + 63) / 64 * 64
    let productBytes = (job.groupOutputs * width + 63) / 64 * 64
    let scratch = SharedBytes(workspace, bytes: matrixBytes + productBytes + job.paddedBytes + workers * job.gemmBytes)
    let (matrix, product) = (scratch.base, scratch.base + matrixBytes)
    for group in 0..<job.weights.count {
        for image in 0..<batch {
            job.gatherColumns(
                image, group: group, into: matrix + image * positions, ld: width, padded: product + productBytes)
        }
        let columns = SharedBytes(pointer: matrix)
        let target = SharedBytes(pointer: product)
        parallelFor(blocks, workers: workers) { worker, range in
            let columnRange = range.lowerBound * columnBlock..<Swift.min(width, range.upperBound * columnBlock)
            job.multiply(
                columns: UnsafePointer(columns.base), ld: width, group: group, range: columnRange,
                into: target.base, ldc: width,
                scratch: scratch.base + matrixBytes + productBytes + job.paddedBytes + worker * job.gemmBytes)
        }
        for image in 0..<batch {
            for row in 0..<job.groupOutputs {
                job.output.plane(image, channel: group * job.groupOutputs + row).update(
                    from: product + row * width + image * positions, count: positions)
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
    /// Bytes of a padded copy of one input plane (im2col's workspace).
    let paddedBytes: Int
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
        matrixBytes = (reduction * positions + 63) / 64 * 64
        paddedBytes = geometry.paddedInputSize
        columnBytes = direct ? 0 : matrixBytes + (paddedBytes + 63) / 64 * 64
        gemmBytes = (gn_int8_workspace_size(reduction) + 63) / 64 * 64
    }

    /// Writes the columns of group `group` of image `image` at `target`, rows `ld` bytes apart
    /// (im2col through `padded`, or the input planes' rows when direct).
    func gatherColumns(
        _ image: Int, group: Int, into target: UnsafeMutablePointer<UInt8>, ld: Int, padded: UnsafeMutablePointer<UInt8>
    ) {
        let source = input.plane(image, channel: group * groupChannels)
        if direct {
            for row in 0..<groupChannels {
                (target + row * ld).update(from: source + row * input.planeSize, count: positions)
            }
            return
        }
        var window = window
        table.im2col(
            source, Int32(groupChannels), &window, UInt8(truncatingIfNeeded: requantization.inputZeroPoint), target, ld,
            padded)
    }

    /// Columns `range` of `columns` (`[C/g·kH·kW, *]`, rows `ld` apart) times group `group`'s
    /// weights, requantized into the same columns of `target` (`[O/g, *]`, rows `ldc` apart).
    func multiply(
        columns: UnsafePointer<UInt8>, ld: Int, group: Int, range: Range<Int>, into target: UnsafeMutablePointer<UInt8>,
        ldc: Int, scratch: UnsafeMutablePointer<UInt8>
    ) {
        requantization.withCValue(from: group * groupOutputs) { cRequantization in
            table.gemm(
                weights[group].base.assumingMemoryBound(to: Int8.self), Int32(groupOutputs), Int32(reduction),
                columns + range.lowerBound, ld, Int32(range.count), cRequantization, target + range.lowerBound, ldc,
                UnsafeMutableRawPointer(scratch))
        }
    }

    /// Columns of group `group` of image `image` (the plane itself when direct), built in `scratch`.
    func columns(_ image: Int, group: Int, scratch: UnsafeMutablePointer<UInt8>) -> UnsafePointer<UInt8> {
        if direct { return UnsafePointer(input.plane(image, channel: group * groupChannels)) }
        gatherColumns(image, group: group, into: scratch, ld: positions, padded: scratch + matrixBytes)
        return UnsafePointer(scratch)
    }

    /// Output columns `range` of group `group` of image `image`: the int8 GEMM and its requantization.
    func multiply(
        _ image: Int, group: Int, columns: UnsafePointer<UInt8>, range: Range<Int>, scratch: UnsafeMutablePointer<UInt8>
    ) {
        multiply(
            columns: columns, ld: positions, group: group, range: range,
            into: output.plane(image, channel: group * groupOutputs), ldc: output.planeSize, scratch: scratch)
    }
}

/// Convolves each plane of `input` (u8 `[N, C, H, W]`) by its own filter of `weights` (the s8
/// codes `[C, kH·kW]`, in −127...127, as floats) over `geometry` into `output` (u8
/// `[N, C, H', W']`), channel `c` requantized with `requantization`'s entry `c`. Planes run in
/// parallel, each as codes less the zero point in floats (so padding reads 0), the float
/// depthwise kernel with neither bias nor clamp, and a requantizing store. The float sums are the
/// int32 sums bit for bit: every product and partial sum is an integer below 2^24 (255 · 127 ·
/// taps for up to 518 taps). At 14x14 and 7x7 (MobileNet's deep layers), 512 and 1024 planes,
/// this took 56 and 39 µs where a direct int8 kernel converting each tap's codes took 66 and 72.
package func int8DepthwiseConvolve(
    _ input: Int8Batch, weights: UnsafePointer<Float>, geometry: WindowGeometry, requantization: Int8Requantization,
    into output: Int8Batch, workspace: Workspace, instructionSet: Int8InstructionSet = .active
) {
    let channels = input.channels
    let planes = input.batch * channels
    let (planeSize, positions, taps) = (input.planeSize, geometry.outputPositions, geometry.taps)
    let kernelFloats = 2 * geometry.paddedInputSize + 32
    let perWorker = (planeSize + positions + kernelFloats + 47) / 16 * 16
    let workers = ComputeThreads.workers(for: planes, work: planes * positions * taps)
    let scratch = SharedPointer(workspace.floats(perWorker * workers))
    let table = Int8Kernels.table(for: instructionSet)
    let floatTable = Kernels.table(for: instructionSet.floatInstructionSet)
    let (cWindow, zeroPoint) = (geometry.cValue, Float(requantization.inputZeroPoint))
    let (lower, upper) = (requantization.lower, requantization.upper)
    let weights = SharedPointer(UnsafeMutablePointer(mutating: weights))
    parallelFor(planes, workers: workers) { worker, range in
        var window = cWindow
        let floats = scratch.base + worker * perWorker
        let (sums, kernelScratch) = (
            floats + (planeSize + 15) / 16 * 16, floats + (planeSize + positions + 31) / 16 * 16
        )
        for plane in range {
            let (image, channel) = plane.quotientAndRemainder(dividingBy: channels)
            table.dequantize(input.plane(image, channel: channel), planeSize, zeroPoint, 1, floats)
            floatTable.depthwisePlane(
                floats, weights.base + channel * taps, 0, -.infinity, .infinity, &window, kernelScratch, sums)
            table.requantize(
                sums, positions, requantization.multipliers[channel], requantization.shifts[channel], lower, upper,
                output.plane(image, channel: channel))
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
