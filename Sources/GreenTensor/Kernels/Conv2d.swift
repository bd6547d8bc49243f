// Convolution by im2col + GEMM, per image and per group:
//   columns [Cg·kH·kW, H'·W'] = im2col(input[n, group])
//   output[n, group] [Og, H'·W'] = weight[group] [Og, Cg·kH·kW] · columns
// A 1x1, stride-1, unpadded conv skips im2col: the input plane already is the column matrix.
// MACs: N · O · H'·W' · (C/groups)·kH·kW.
// Threads: tasks are whole images when the batch covers every worker, else bands of output
// rows of each image (im2col of the band, then a GEMM writing the band's columns of the
// output); each task runs a single-threaded GEMM.
// The paths work on `ConvolutionOperands` (raw buffers with image strides), so an inference
// plan runs the same code on its arena; `conv2d` wraps them for tensors.
internal import CKernels

/// 2-D convolution (cross-correlation, as in PyTorch) of an NCHW batch.
///
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - weight: `[O, C/groups, kH, kW]` (PyTorch's OIHW).
///   - bias: `[O]`, or nil.
///   - stride: step between windows, per axis.
///   - padding: zeros added on each side, per axis.
///   - dilation: spacing between kernel taps, per axis.
///   - groups: channels are split into this many independent groups.
///   - workspace: scratch reused across calls (one per layer); nil allocates per call.
///   - epilogue: a per-channel scale, shift and clamp fused into the output pass (after the
///     bias), e.g. an inference BatchNorm and a ReLU; nil for none.
/// - Returns: `[N, O, H', W']` with `H' = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1`.
/// - Throws: `TensorError` for a wrong rank, channels that do not match the weight,
///   groups that do not divide C and O, a bias that is not `[O]`, or an invalid window;
///   `.sizeLimitExceeded` for channels, `C/groups·kH·kW` or `H'·W'` past
///   `KernelLimits.maximumCount`, or a padded input or stride past `KernelLimits.maximumWindowExtent`.
public func conv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil,
    stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1, groups: Int = 1,
    epilogue: Epilogue? = nil, workspace: Workspace? = nil
) throws(TensorError) -> Tensor {
    let (batch, channels, _, _, outputChannels, geometry) = try validatedConvolution(
        input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
        operation: "conv2d")
    let output = try geometry.uninitializedOutput(batch: batch, channels: outputChannels, operation: "conv2d")
    try withConvolutionOperands(
        input, weight: weight, bias: bias, epilogue: epilogue, output: output, channels: channels, groups: groups,
        geometry: geometry, operation: "conv2d"
    ) { convolve($0, workspace: workspace ?? Workspace()) }
    return output
}

/// Runs `body` on the operands of a convolution of tensors: `input` `[N, C, H, W]` by `weight`
/// into `output` `[N, O, H', W']`, the bias and any epilogue folded into one per-channel scale
/// and shift applied on the way out. The tensors stay alive while `body` runs.
/// - Throws: `TensorError` naming `operation` when an epilogue vector is not `[O]` or its
///   bounds are reversed.
func withConvolutionOperands(
    _ input: Tensor, weight: Tensor, bias: Tensor?, epilogue: Epilogue?, output: Tensor, channels: Int, groups: Int,
    geometry: WindowGeometry, operation: String, _ body: (ConvolutionOperands) -> Void
) throws(TensorError) {
    let (batch, outputChannels) = (input.shape[0], output.shape[1])
    let finish = try epilogue.map { e throws(TensorError) in
        try e.folded(bias: bias, channels: outputChannels, operation: operation)
    }
    let scale = finish.map { Tensor(vector: $0.scale) }
    let shift = finish.map { Tensor(vector: $0.shift) } ?? bias
    let operands = ConvolutionOperands(
        input: input.storage.base, inputImageStride: input.elementCount / Swift.max(1, batch),
        weight: weight.storage.base, scale: scale?.storage.base, shift: shift?.storage.base,
        lower: epilogue?.lower ?? -.infinity, upper: epilogue?.upper ?? .infinity, output: output.storage.base,
        outputImageStride: output.elementCount / Swift.max(1, batch), batch: batch, channels: channels,
        outputChannels: outputChannels, groups: groups, geometry: geometry)
    withExtendedLifetime((input, weight, output, scale, shift)) { body(operands) }
}

/// The raw buffers and sizes of one convolution: an NCHW batch whose images may lie further
/// apart than their own size (an inference plan writes a branch straight into its channels of
/// a concatenated output), the weight matrix `[O, C/groups·kH·kW]`, and the output pass's
/// per-channel scale and shift (nil for 1 and 0) and clamp. The caller keeps every buffer alive.
package struct ConvolutionOperands: @unchecked Sendable {
    /// Image `n` starts at `input + n·inputImageStride`, `[C, H, W]` contiguous.
    package var input: UnsafeMutablePointer<Float>
    /// Floats from one input image to the next.
    package var inputImageStride: Int
    /// `[O, C/groups·kH·kW]`.
    package var weight: UnsafeMutablePointer<Float>
    /// Per-output-channel multiplier, or nil for 1.
    package var scale: UnsafePointer<Float>?
    /// Per-output-channel addend (the bias, folded), or nil for 0.
    package var shift: UnsafePointer<Float>?
    /// The clamp of the output pass.
    package var lower: Float
    /// The clamp of the output pass.
    package var upper: Float
    /// Image `n` starts at `output + n·outputImageStride`, `[O, H', W']` contiguous.
    package var output: UnsafeMutablePointer<Float>
    /// Floats from one output image to the next.
    package var outputImageStride: Int
    /// N.
    package var batch: Int
    /// C.
    package var channels: Int
    /// O.
    package var outputChannels: Int
    /// Channel groups.
    package var groups: Int
    /// The window over each input plane.
    package var geometry: WindowGeometry
    /// The weight packed for `packedMultiply` (an ungrouped conv without `scale`, as an inference
    /// plan prepares it): the GEMMs then run on GreenNN's micro-kernels with the shift and clamp
    /// fused into their stores; nil for OpenBLAS's sgemm on `weight`.
    package var packedWeight: PackedMatrix?

    /// Bundles one convolution's buffers and sizes.
    package init(
        input: UnsafeMutablePointer<Float>, inputImageStride: Int, weight: UnsafeMutablePointer<Float>,
        scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, lower: Float, upper: Float,
        output: UnsafeMutablePointer<Float>, outputImageStride: Int, batch: Int, channels: Int, outputChannels: Int,
        groups: Int, geometry: WindowGeometry
    ) {
        (self.input, self.inputImageStride, self.weight) = (input, inputImageStride, weight)
        (self.scale, self.shift, self.lower, self.upper) = (scale, shift, lower, upper)
        (self.output, self.outputImageStride) = (output, outputImageStride)
        (self.batch, self.channels, self.outputChannels, self.groups) = (batch, channels, outputChannels, groups)
        self.geometry = geometry
    }

    /// `[C, H, W]` of image `image`.
    func inputImage(_ image: Int) -> UnsafeMutablePointer<Float> { input + image * inputImageStride }

    /// Channel `channel` of output image `image`.
    func outputPlane(_ image: Int, channel: Int) -> UnsafeMutablePointer<Float> {
        output + image * outputImageStride + channel * geometry.outputPositions
    }

    /// Whether the output pass does anything beyond storing.
    var hasFinish: Bool { scale != nil || shift != nil || lower > -.infinity || upper < .infinity }

    /// Applies the per-channel scale, shift and clamp to `count` outputs from `offset` of each
    /// channel in `range` of `image`; nothing when there is none.
    func finish(_ range: Range<Int>, of image: Int, offset: Int, count: Int) {
        guard hasFinish else { return }
        for channel in range {
            Kernels.table.affineClamp(
                outputPlane(image, channel: channel) + offset, count, scale?[channel] ?? 1, shift?[channel] ?? 0,
                lower, upper)
        }
    }
}

/// Runs the convolution `operands` describe on the path that suits its shape (small planes in
/// a batch, a thin batch with more channels than positions, or bands of output rows).
/// The sizes must have passed `checkConvolutionSizes` (the C kernels and sgemm take them as C
/// `int`s, narrowed here with `Int32(_:)`).
package func convolve(_ operands: ConvolutionOperands, workspace: Workspace) {
    let geometry = operands.geometry
    let (batch, outputChannels, groups) = (operands.batch, operands.outputChannels, operands.groups)
    if groups == 1 && batch > 1 && geometry.outputPositions < smallPlanePositions {
        convolveSmallPlanes(operands, workspace: workspace)
        return
    }
    if groups == 1 && (batch < ComputeThreads.count || batch == 1) && outputChannels > geometry.outputPositions {
        convolveSplittingChannels(operands, workspace: workspace)
        return
    }
    let channels = operands.channels
    let groupChannels = channels / groups
    let groupOutputs = outputChannels / groups
    let reduction = groupChannels * geometry.taps
    let positions = geometry.outputPositions
    let outputWidth = geometry.output.width
    let planeSize = geometry.input.height * geometry.input.width
    let pointwise = geometry.isPointwise
    // Tasks: bands of output rows. Enough bands that every worker has one even at batch 1
    // (so im2col runs in parallel too), and bands small enough that a band's im2col columns
    // (about 512 KiB) are still in cache when the GEMM reads them.
    let threads = ComputeThreads.workers(
        for: ComputeThreads.count, work: batch * outputChannels * positions * reduction)
    let bandsForThreads = batch >= threads ? 1 : (threads + batch - 1) / batch
    let rowsInCache = Swift.max(1, columnCacheFloats / Swift.max(1, reduction * outputWidth))
    let bandsForCache = pointwise ? 1 : (geometry.output.height + rowsInCache - 1) / rowsInCache
    var evenBands = Swift.min(geometry.output.height, Swift.max(bandsForThreads, bandsForCache))
    // As many tasks for every worker: 7 bands on 2 workers would leave one idle for a seventh.
    while batch < threads && (batch * evenBands) % threads != 0 && evenBands < geometry.output.height {
        evenBands += 1
    }
    let bands = evenBands
    let tasks = batch * bands
    let workers = Swift.min(threads, tasks)
    let bandRows = (geometry.output.height + bands - 1) / bands
    let columnsPerWorker = pointwise ? 0 : reduction * bandRows * outputWidth
    let packed = operands.packedWeight
    let perWorker = columnsPerWorker + (packed == nil ? 0 : packedMultiplyWorkspaceCount)
    let scratch = SharedPointer(workspace.floats(perWorker * workers))
    let cWindow = geometry.cValue

    parallelFor(tasks, workers: workers, balanced: true) { worker, range in
        var window = cWindow
        let columns = scratch.base + worker * perWorker
        for task in range {
            let (image, band) = task.quotientAndRemainder(dividingBy: bands)
            let rowBegin = band * geometry.output.height / bands
            let rowEnd = (band + 1) * geometry.output.height / bands
            let (offset, count) = (rowBegin * outputWidth, (rowEnd - rowBegin) * outputWidth)
            guard count > 0 else { continue }
            for group in 0..<groups {
                let plane = operands.inputImage(image) + group * groupChannels * planeSize
                if !pointwise {
                    Kernels.table.im2col(
                        plane, Int32(groupChannels), &window, Int32(rowBegin), Int32(rowEnd), columns, count)
                }
                let (b, ldb) = pointwise ? (plane + offset, positions) : (columns, count)
                let c = operands.outputPlane(image, channel: group * groupOutputs) + offset
                // Packed weights (ungrouped convs only) store the shift and clamp with the product.
                if let packed {
                    packedMultiply(
                        packed, rows: 0..<outputChannels, b: b, ldb: ldb, n: count, c: c, ldc: positions,
                        shift: operands.shift, lower: operands.lower, upper: operands.upper,
                        workspace: columns + columnsPerWorker)
                } else {
                    GEMM.multiplyUnchecked(
                        transposeA: .none, transposeB: .none, m: groupOutputs, n: count, k: reduction, alpha: 1,
                        a: operands.weight + group * groupOutputs * reduction, lda: reduction, b: b, ldb: ldb,
                        beta: 0, c: c, ldc: positions)
                }
            }
            if packed == nil { operands.finish(0..<outputChannels, of: image, offset: offset, count: count) }
        }
    }
}

/// Convolution of a batch smaller than the thread count (or a single image) whose planes hold
/// fewer positions than there are output channels (the deep layers of a network at batch 1).
/// Splitting such a plane into bands of rows would hand every worker the whole weight matrix
/// and a sliver of columns; here each image's im2col runs once (split by input channels), and
/// the workers split the output channels, each multiplying its rows of the weight by all the
/// columns. Planes of at most `thinPlanePositions` positions skip sgemm, whose packing of the
/// weight costs more than such a thin product: the columns are transposed into rows and the
/// `thinProduct` kernel streams each weight row once. The sizes must have passed
/// `checkConvolutionSizes`.
private func convolveSplittingChannels(_ operands: ConvolutionOperands, workspace: Workspace) {
    let geometry = operands.geometry
    let (batch, channels, outputChannels) = (operands.batch, operands.channels, operands.outputChannels)
    let planeSize = geometry.input.height * geometry.input.width
    let reduction = channels * geometry.taps
    let positions = geometry.outputPositions
    let pointwise = geometry.isPointwise
    let thin = positions <= thinPlanePositions
    let columnsSize = pointwise ? 0 : reduction * positions
    let workers = ComputeThreads.workers(for: outputChannels, work: outputChannels * positions * reduction)
    let packed = thin ? nil : operands.packedWeight
    let rowsSize = thin ? reduction * positions : 0
    let scratch = workspace.floats(
        columnsSize + rowsSize + (packed == nil ? 0 : packedMultiplyWorkspaceCount * workers))
    let columns = SharedPointer(scratch)
    let rows = SharedPointer(scratch + columnsSize)
    let gemmScratch = SharedPointer(scratch + columnsSize + rowsSize)
    let cWindow = geometry.cValue
    for image in 0..<batch {
        let plane = SharedPointer(operands.inputImage(image))
        if !pointwise {
            parallelFor(channels, workers: Swift.min(workers, channels)) { _, range in
                var window = cWindow
                Kernels.table.im2col(
                    plane.base + range.lowerBound * planeSize, Int32(range.count), &window, 0,
                    Int32(geometry.output.height), columns.base + range.lowerBound * geometry.taps * positions,
                    positions)
            }
        }
        let matrix = pointwise ? plane : columns
        if let packed {
            let (count, panels) = panelRanges(rows: outputChannels, workers: workers)
            parallelFor(count, workers: count) { worker, _ in
                let range = panels(worker)
                packedMultiply(
                    packed, rows: range, b: matrix.base, ldb: positions, n: positions,
                    c: operands.outputPlane(image, channel: range.lowerBound), ldc: positions,
                    shift: operands.shift.map { $0 + range.lowerBound }, lower: operands.lower, upper: operands.upper,
                    workspace: gemmScratch.base + worker * packedMultiplyWorkspaceCount)
            }
            continue
        }
        if thin {
            for k in 0..<reduction {
                for position in 0..<positions {
                    rows.base[position * reduction + k] = matrix.base[k * positions + position]
                }
            }
        }
        parallelFor(outputChannels, workers: workers) { _, range in
            let a = operands.weight + range.lowerBound * reduction
            let c = operands.outputPlane(image, channel: range.lowerBound)
            if thin {
                Kernels.table.thinProduct(
                    a, Int32(range.count), Int32(reduction), rows.base, Int32(positions), c, Int32(positions))
            } else {
                GEMM.multiplyUnchecked(
                    transposeA: .none, transposeB: .none, m: range.count, n: positions, k: reduction, alpha: 1, a: a,
                    lda: reduction, b: matrix.base, ldb: positions, beta: 0, c: c, ldc: positions)
            }
            operands.finish(range, of: image, offset: 0, count: positions)
        }
    }
}

/// Checks a grouped convolution of `input` by `weight` as `conv2d` does, and returns its sizes.
/// - Throws: `TensorError` naming `operation` for a wrong rank, channels that do not match the
///   weight, groups that do not divide C and O, a bias that is not `[O]`, an invalid window, or
///   a size past what the kernels take (`checkConvolutionSizes`).
func validatedConvolution(
    _ input: Tensor, weight: Tensor, bias: Tensor?, stride: Size2D, padding: Size2D, dilation: Size2D, groups: Int,
    operation: String
) throws(TensorError) -> (
    batch: Int, channels: Int, height: Int, width: Int, outputChannels: Int, geometry: WindowGeometry
) {
    let (batch, channels, height, width) = try input.imageDimensions(for: operation)
    guard weight.shape.rank == 4 else {
        throw .shapeMismatch(operation: operation, expected: "weight [O, C/groups, kH, kW]", actual: weight.shape)
    }
    let outputChannels = weight.shape[0]
    guard groups >= 1, channels % groups == 0, outputChannels % groups == 0 else {
        throw .invalidArgument(
            operation: operation,
            message:
                "groups (\(groups)) must be >= 1 and divide input channels (\(channels)) and output channels (\(outputChannels))"
        )
    }
    let groupChannels = channels / groups
    guard weight.shape[1] == groupChannels, outputChannels >= 1 else {
        throw .shapeMismatch(
            operation: operation,
            expected: "weight [O, \(groupChannels), kH, kW] for input \(input.shape) and groups \(groups)",
            actual: weight.shape)
    }
    try Tensor.checkBias(bias, channels: outputChannels, for: operation)
    let geometry = try WindowGeometry(
        input: Size2D(height: height, width: width), kernel: Size2D(height: weight.shape[2], width: weight.shape[3]),
        stride: stride, padding: padding, dilation: dilation, operation: operation)
    try checkConvolutionSizes(
        channels: channels, outputChannels: outputChannels, groups: groups, geometry: geometry, operation: operation)
    return (batch, channels, height, width, outputChannels, geometry)
}

/// The im2col columns of one task are kept to about this many floats (512 KiB, a quarter of a
/// Zen 5 core's L2), so they are still in L2 when the GEMM reads them beside the output it
/// streams out: at 2 MiB, mobilenet-v1's first conv (3 -> 32 channels at 224x224, one band of
/// 1.35 MB) took 0.34 ms, in bands of this size 0.24.
let columnCacheFloats = 1 << 17

/// Output planes smaller than this many positions take the row-major path: with, say, a 2x2
/// plane a per-image GEMM would be [O, K]·[K, 4], too thin for sgemm to run near its peak.
let smallPlanePositions = 64

/// Output planes of at most this many positions, in a batch too small to share out by images,
/// take `thinProduct` instead of sgemm (see `convolveSplittingChannels`).
let thinPlanePositions = 16

/// Convolution for small output planes (ungrouped): the im2col columns of a worker's images sit
/// side by side in one matrix [C·kH·kW, images·H'·W'] (im2col writes each image's block at its
/// column offset), so a single GEMM `weight · columns` of shape [O, images·H'·W'] does the work;
/// each image's block of the product is copied to NCHW with the bias and epilogue on the way.
/// Images are split across workers, and a worker's images across GEMMs of at most
/// `KernelLimits.maximumCount` columns. The sizes must have passed `checkConvolutionSizes`.
package func convolveSmallPlanes(_ operands: ConvolutionOperands, workspace: Workspace) {
    let geometry = operands.geometry
    let (batch, channels, outputChannels) = (operands.batch, operands.channels, operands.outputChannels)
    let reduction = channels * geometry.taps
    let (outputHeight, outputWidth, inputWidth) = (geometry.output.height, geometry.output.width, geometry.input.width)
    // An unpadded, undilated stride-1 window: each column-matrix row is one contiguous run of the
    // input plane when the outputs are numbered across the input's full width (oy·W + ox); the
    // columns past each output row's end are computed and dropped, instead of copying the row in
    // pieces as short as the output row (LeNet-5's 5x5 conv: 1,500 copies of 10 floats an image).
    // (Only while an image's span fits a GEMM's C int columns: a 64-position plane can still
    // lie across more than 2^31 input columns when the kernel is nearly as wide as the input.)
    let shifted =
        geometry.stride == 1 && geometry.padding == 0 && geometry.dilation == 1 && outputWidth < inputWidth
        && (outputHeight - 1) * inputWidth + outputWidth <= KernelLimits.maximumCount
    let span = shifted ? (outputHeight - 1) * inputWidth + outputWidth : geometry.outputPositions
    let rowStride = shifted ? inputWidth : outputWidth
    let workers = ComputeThreads.workers(for: batch, work: batch * outputChannels * span * reduction)
    // Images per GEMM: a worker's share, in GEMMs whose images·span columns fit a C int.
    let imagesPerGEMM = Swift.max(
        1, Swift.min((batch + workers - 1) / workers, KernelLimits.maximumCount / span))
    // Per worker: the columns of its images [K, images·span] and the product [O, images·span].
    let wide = imagesPerGEMM * span
    let packed = operands.packedWeight
    // The packed GEMM applies the shift and clamp as it stores; a scale (eager BatchNorm) needs
    // the separate pass.
    let finishesInGEMM = packed != nil && operands.scale == nil
    let perWorker = (reduction + outputChannels) * wide + (packed == nil ? 0 : packedMultiplyWorkspaceCount)
    let scratch = SharedPointer(workspace.floats(perWorker * workers))
    let cWindow = geometry.cValue
    let planeSize = geometry.input.height * inputWidth
    parallelFor(batch, workers: workers) { worker, share in
        for first in stride(from: share.lowerBound, to: share.upperBound, by: imagesPerGEMM) {
            let images = first..<Swift.min(first + imagesPerGEMM, share.upperBound)
            var window = cWindow
            let columns = scratch.base + worker * perWorker
            let product = columns + reduction * wide
            let width = images.count * span
            for (slot, image) in images.enumerated() {
                guard shifted else {
                    Kernels.table.im2col(
                        operands.inputImage(image), Int32(channels), &window, 0, Int32(outputHeight),
                        columns + slot * span, width)
                    continue
                }
                let plane = operands.inputImage(image)
                for row in 0..<reduction {
                    let (channel, tap) = row.quotientAndRemainder(dividingBy: geometry.taps)
                    let (ky, kx) = tap.quotientAndRemainder(dividingBy: geometry.kernel.width)
                    (columns + row * width + slot * span).update(
                        from: plane + channel * planeSize + ky * inputWidth + kx, count: span)
                }
            }
            if let packed {
                packedMultiply(
                    packed, rows: 0..<outputChannels, b: columns, ldb: width, n: width, c: product, ldc: width,
                    shift: finishesInGEMM ? operands.shift : nil, lower: finishesInGEMM ? operands.lower : -.infinity,
                    upper: finishesInGEMM ? operands.upper : .infinity, workspace: product + outputChannels * wide)
            } else {
                GEMM.multiplyUnchecked(
                    transposeA: .none, transposeB: .none, m: outputChannels, n: width, k: reduction, alpha: 1,
                    a: operands.weight, lda: reduction, b: columns, ldb: width, beta: 0, c: product, ldc: width)
            }
            // Each image's block of the product into its NCHW planes, row by row (the columns past
            // each output row dropped), then the epilogue where the GEMM did not apply it.
            for (slot, image) in images.enumerated() {
                for channel in 0..<outputChannels {
                    let target = operands.outputPlane(image, channel: channel)
                    let block = product + channel * width + slot * span
                    if rowStride == outputWidth {
                        target.update(from: block, count: geometry.outputPositions)
                    } else {
                        for oy in 0..<outputHeight {
                            (target + oy * outputWidth).update(from: block + oy * rowStride, count: outputWidth)
                        }
                    }
                    if !finishesInGEMM {
                        Kernels.table.affineClamp(
                            target, geometry.outputPositions, operands.scale?[channel] ?? 1,
                            operands.shift?[channel] ?? 0, operands.lower, operands.upper)
                    }
                }
            }
        }
    }
}
