// Convolution by im2col + GEMM, per image and per group:
//   columns [Cg·kH·kW, H'·W'] = im2col(input[n, group])
//   output[n, group] [Og, H'·W'] = weight[group] [Og, Cg·kH·kW] · columns
// A 1x1, stride-1, unpadded conv skips im2col: the input plane already is the column matrix.
// MACs: N · O · H'·W' · (C/groups)·kH·kW.
// Threads: batch > 1 runs images in parallel (OpenBLAS at 1 thread each); batch 1 gives
// OpenBLAS all threads.
internal import CKernels

/// 2-D convolution (cross-correlation, as in PyTorch) of an NCHW batch.
///
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - weight: `[O, C/groups, kH, kW]` (PyTorch's OIHW).
///   - bias: `[O]`, or nil.
///   - stride, padding, dilation: per axis; padding is zeros.
///   - groups: channels are split into this many independent groups.
///   - workspace: scratch reused across calls (one per layer); nil allocates per call.
/// - Returns: `[N, O, H', W']` with `H' = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1`.
/// - Throws: `TensorError` for a wrong rank, channels that do not match the weight,
///   groups that do not divide C and O, a bias that is not `[O]`, or an invalid window.
public func conv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil,
    stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1, groups: Int = 1,
    workspace: Workspace? = nil
) throws(TensorError) -> Tensor {
    let operation = "conv2d"
    let (batch, channels, height, width) = try input.imageDimensions(for: operation)
    guard weight.shape.rank == 4 else {
        throw .shapeMismatch(operation: operation, expected: "weight [O, C/groups, kH, kW]", actual: weight.shape)
    }
    let outputChannels = weight.shape[0]
    guard groups >= 1, channels % groups == 0, outputChannels % groups == 0 else {
        throw .invalidArgument(
            operation: operation,
            message: "groups (\(groups)) must be >= 1 and divide input channels (\(channels)) and output channels (\(outputChannels))")
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

    let output = Tensor(uninitializedShape: [batch, outputChannels, geometry.output.height, geometry.output.width])
    let groupOutputs = outputChannels / groups
    let reduction = groupChannels * geometry.taps
    let positions = geometry.outputPositions
    let pointwise = geometry.isPointwise
    let columnsPerWorker = pointwise ? 0 : reduction * positions
    let workers = ComputeThreads.workers(for: batch)
    let scratchSpace = workspace ?? Workspace()
    defer { withExtendedLifetime(scratchSpace) {} }
    let scratch = SharedPointer(scratchSpace.floats(columnsPerWorker * workers))
    let source = SharedPointer(input.storage.base)
    let filters = SharedPointer(weight.storage.base)
    let shifts = bias.map { SharedPointer($0.storage.base) }
    let destination = SharedPointer(output.storage.base)
    let cWindow = geometry.cValue

    parallelFor(batch, workers: workers) { worker, images in
        var window = cWindow
        let columns = scratch.base + worker * columnsPerWorker
        for image in images {
            for group in 0..<groups {
                let plane = source.base + (image * channels + group * groupChannels) * height * width
                if !pointwise { Kernels.table.im2col(plane, Int32(groupChannels), &window, columns) }
                GEMM.multiplyUnchecked(
                    transposeA: .none, transposeB: .none, m: groupOutputs, n: positions, k: reduction, alpha: 1,
                    a: filters.base + group * groupOutputs * reduction, lda: reduction,
                    b: pointwise ? plane : columns, ldb: positions,
                    beta: 0, c: destination.base + (image * outputChannels + group * groupOutputs) * positions,
                    ldc: positions)
            }
            if let shifts {
                for channel in 0..<outputChannels {
                    Kernels.table.affineClamp(
                        destination.base + (image * outputChannels + channel) * positions, positions,
                        1, shifts.base[channel], -.infinity, .infinity)
                }
            }
        }
    }
    return output
}
