// The backward pass of `conv2d` by GEMM and col2im (Caffe, Darknet), per image and per group,
// with columns = im2col(input[n, group]) [K = Cg·kH·kW, P = H'·W'], kept from the forward pass
// (`conv2dKeepingColumns`) or rebuilt from the input:
//   weight gradient [Og, K] += outputGradient[n, group] [Og, P] · columnsᵀ   (GEMM, beta 1; computed
//                              transposed, columns · outputGradientᵀ, when K > Og: sgemm runs that
//                              shape faster)
//   bias gradient [Og]      += Σ over P of outputGradient[n, group]
//   input gradient [Cg, H, W] = col2im(weight[group]ᵀ [K, Og] · outputGradient[n, group])
// A 1x1, stride-1, unpadded conv skips im2col and col2im, as the forward pass does.
// MACs: N · O · P · K for the weight gradient, as many again for the input gradient.
// Threads: images are split across workers; each accumulates into its own weight and bias
// gradient, and the partial sums are added at the end.
internal import CKernels

/// The most floats of columns `conv2dKeepingColumns` keeps (64 MiB); above it the backward pass
/// rebuilds them, trading an im2col for memory (VGG's early layers at batch 32 would need GiBs).
let keptColumnsLimit = 1 << 24

/// `conv2d` for training: the same output, and every image's im2col columns `[N, groups·K, P]`
/// kept for `conv2dBackward`, which then skips its own im2col. Columns are not kept (nil) for a
/// 1x1 conv that needs none, or when they would exceed 16 Mi floats; the output is `conv2d`'s then.
/// The output may be clamped on its way out (a ReLU fused into the conv: `lower: 0`).
///
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - weight: `[O, C/groups, kH, kW]`.
///   - bias: `[O]`, or nil.
///   - stride: as for `conv2d`.
///   - padding: as for `conv2d`.
///   - dilation: as for `conv2d`.
///   - groups: as for `conv2d`.
///   - lower: the output's lower clamp (0 for a fused ReLU; -∞ for none).
///   - upper: the output's upper clamp (6 for a fused ReLU6; +∞ for none).
///   - workspace: scratch for `conv2d` when the columns are not kept.
/// - Returns: the output `[N, O, H', W']` and the columns, or nil.
/// - Throws: `TensorError` as `conv2d`, or `.invalidArgument` when `lower > upper`.
public func conv2dKeepingColumns(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Size2D = 1, padding: Size2D = 0,
    dilation: Size2D = 1, groups: Int = 1, lower: Float = -.infinity, upper: Float = .infinity,
    workspace: Workspace? = nil
) throws(TensorError) -> (output: Tensor, columns: Tensor?) {
    let (batch, channels, height, width, outputChannels, geometry) = try validatedConvolution(
        input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
        operation: "conv2dKeepingColumns")
    guard lower <= upper else {
        throw .invalidArgument(
            operation: "conv2dKeepingColumns", message: "lower (\(lower)) must be <= upper (\(upper))")
    }
    let groupChannels = channels / groups
    let reduction = groupChannels * geometry.taps
    let positions = geometry.outputPositions
    // In Double: the four factors are each checked, their product may still overflow Int.
    let keptColumns = Double(batch) * Double(groups) * Double(reduction) * Double(positions)
    guard !geometry.isPointwise, keptColumns <= Double(keptColumnsLimit) else {
        let clamps = lower > -.infinity || upper < .infinity
        let output = try conv2d(
            input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
            epilogue: clamps ? Epilogue(lower: lower, upper: upper) : nil, workspace: workspace)
        return (output, nil)
    }
    let output = try geometry.uninitializedOutput(
        batch: batch, channels: outputChannels, operation: "conv2dKeepingColumns")
    let columns = Tensor(uninitializedShape: [batch, groups * reduction, positions])
    let groupOutputs = outputChannels / groups
    let (source, filters, destination, kept) = (
        SharedPointer(input.storage.base), SharedPointer(weight.storage.base), SharedPointer(output.storage.base),
        SharedPointer(columns.storage.base)
    )
    let shifts = bias.map { SharedPointer($0.storage.base) }
    let cWindow = geometry.cValue
    parallelFor(batch) { _, images in
        var window = cWindow
        for image in images {
            for group in 0..<groups {
                let block = kept.base + (image * groups + group) * reduction * positions
                Kernels.table.im2col(
                    source.base + (image * channels + group * groupChannels) * height * width, Int32(groupChannels),
                    &window, 0, Int32(geometry.output.height), block, positions)
                GEMM.multiplyUnchecked(
                    transposeA: .none, transposeB: .none, m: groupOutputs, n: positions, k: reduction, alpha: 1,
                    a: filters.base + group * groupOutputs * reduction, lda: reduction, b: block, ldb: positions,
                    beta: 0, c: destination.base + (image * outputChannels + group * groupOutputs) * positions,
                    ldc: positions)
            }
            if shifts != nil || lower > -.infinity || upper < .infinity {
                for channel in 0..<outputChannels {
                    Kernels.table.affineClamp(
                        destination.base + (image * outputChannels + channel) * positions, positions, 1,
                        shifts?.base[channel] ?? 0, lower, upper)
                }
            }
        }
    }
    return (output, columns)
}

/// The gradients of `conv2d` for `outputGradient`.
///
/// - Parameters:
///   - outputGradient: ∂loss/∂output, `[N, O, H', W']`, the shape `conv2d` returned.
///   - input: the forward pass's input, `[N, C, H, W]`.
///   - weight: `[O, C/groups, kH, kW]`.
///   - hasBias: whether the forward pass added a bias (then `bias` is returned).
///   - stride: as passed to `conv2d`.
///   - padding: as passed to `conv2d`.
///   - dilation: as passed to `conv2d`.
///   - groups: as passed to `conv2d`.
///   - columns: the columns `conv2dKeepingColumns` returned for this input, or nil to rebuild them.
///   - computesInputGradient: false skips the input-gradient GEMM and col2im (half the work),
///     for a first layer whose input is data.
///   - workspace: scratch reused across calls (one per layer); nil allocates per call.
/// - Returns: the input gradient `[N, C, H, W]` (nil when not asked for), the weight gradient
///   `[O, C/groups, kH, kW]` and the bias gradient `[O]` (nil without bias), each summed over the batch.
/// - Throws: `TensorError` when the input, weight and window fail `conv2d`'s checks, the output
///   gradient is not `[N, O, H', W']`, or the columns are not `[N, groups·K, P]`.
public func conv2dBackward(
    _ outputGradient: Tensor, input: Tensor, weight: Tensor, hasBias: Bool,
    stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1, groups: Int = 1, columns: Tensor? = nil,
    computesInputGradient: Bool = true, workspace: Workspace? = nil
) throws(TensorError) -> AffineGradients {
    let operation = "conv2dBackward"
    let (batch, channels, height, width, outputChannels, geometry) = try validatedConvolution(
        input, weight: weight, bias: nil, stride: stride, padding: padding, dilation: dilation, groups: groups,
        operation: operation)
    let outputShape: Shape = [batch, outputChannels, geometry.output.height, geometry.output.width]
    guard outputGradient.shape == outputShape else {
        throw .shapeMismatch(
            operation: operation, expected: "output gradient \(outputShape)", actual: outputGradient.shape)
    }
    let groupChannels = channels / groups
    let groupOutputs = outputChannels / groups
    let reduction = groupChannels * geometry.taps
    let positions = geometry.outputPositions
    if let columns, columns.shape != [batch, groups * reduction, positions] {
        throw .shapeMismatch(
            operation: operation, expected: "columns [\(batch), \(groups * reduction), \(positions)]",
            actual: columns.shape)
    }
    let plane = height * width
    let pointwise = geometry.isPointwise
    let weightCount = weight.elementCount
    // Per group, the weight gradient is accumulated as [Og, K], or transposed as [K, Og].
    let transposedWeight = reduction > groupOutputs

    let inputGradient = computesInputGradient ? Tensor(uninitializedShape: input.shape) : nil
    let workers = ComputeThreads.workers(for: batch)
    // Per worker: columns (unless kept or pointwise), column gradients, a partial weight
    // gradient and a partial bias gradient.
    let columnsPerWorker = pointwise || columns != nil ? 0 : reduction * positions
    let gradientColumnsPerWorker = pointwise || !computesInputGradient ? 0 : reduction * positions
    let partialsOffset = columnsPerWorker + gradientColumnsPerWorker
    let perWorker = partialsOffset + weightCount + outputChannels
    let scratchSpace = workspace ?? Workspace()
    defer { withExtendedLifetime(scratchSpace) {} }
    let scratch = SharedPointer(scratchSpace.floats(perWorker * workers))
    let source = SharedPointer(input.storage.base)
    let filters = SharedPointer(weight.storage.base)
    let gradient = SharedPointer(outputGradient.storage.base)
    let kept = columns.map { SharedPointer($0.storage.base) }
    let destination = inputGradient.map { SharedPointer($0.storage.base) }
    let cWindow = geometry.cValue
    for worker in 0..<workers {
        (scratch.base + worker * perWorker + partialsOffset).initialize(
            repeating: 0, count: weightCount + outputChannels)
    }

    parallelFor(batch, workers: workers) { worker, range in
        var window = cWindow
        let rebuilt = scratch.base + worker * perWorker
        let gradientColumns = rebuilt + columnsPerWorker
        let partialWeight = rebuilt + partialsOffset
        let partialBias = partialWeight + weightCount
        for image in range {
            for group in 0..<groups {
                let pixels = source.base + (image * channels + group * groupChannels) * plane
                let outputs = gradient.base + (image * outputChannels + group * groupOutputs) * positions
                let block: UnsafeMutablePointer<Float>
                if pointwise {
                    block = pixels
                } else if let kept {
                    block = kept.base + (image * groups + group) * reduction * positions
                } else {
                    Kernels.table.im2col(
                        pixels, Int32(groupChannels), &window, 0, Int32(geometry.output.height), rebuilt,
                        positions)
                    block = rebuilt
                }
                if transposedWeight {
                    GEMM.multiplyUnchecked(
                        transposeA: .none, transposeB: .transposed, m: reduction, n: groupOutputs, k: positions,
                        alpha: 1,
                        a: block, lda: positions, b: outputs, ldb: positions,
                        beta: 1, c: partialWeight + group * groupOutputs * reduction, ldc: groupOutputs)
                } else {
                    GEMM.multiplyUnchecked(
                        transposeA: .none, transposeB: .transposed, m: groupOutputs, n: reduction, k: positions,
                        alpha: 1,
                        a: outputs, lda: positions, b: block, ldb: positions,
                        beta: 1, c: partialWeight + group * groupOutputs * reduction, ldc: reduction)
                }
                if hasBias {
                    for output in 0..<groupOutputs {
                        partialBias[group * groupOutputs + output] += Kernels.table.sum(
                            outputs + output * positions, positions)
                    }
                }
                guard let destination else { continue }
                let inputPlanes = destination.base + (image * channels + group * groupChannels) * plane
                GEMM.multiplyUnchecked(
                    transposeA: .transposed, transposeB: .none, m: reduction, n: positions, k: groupOutputs, alpha: 1,
                    a: filters.base + group * groupOutputs * reduction, lda: reduction, b: outputs, ldb: positions,
                    beta: 0, c: pointwise ? inputPlanes : gradientColumns, ldc: positions)
                if !pointwise {
                    inputPlanes.initialize(repeating: 0, count: groupChannels * plane)
                    Kernels.table.col2im(gradientColumns, Int32(groupChannels), &window, inputPlanes)
                }
            }
        }
    }
    let weightGradient = Tensor(uninitializedShape: weight.shape)
    let biasGradient = hasBias ? Tensor(uninitializedShape: [outputChannels]) : nil
    let partials = scratch.base + partialsOffset
    sumPartials(partials, stride: perWorker, workers: workers, count: weightCount + outputChannels)
    if transposedWeight {
        for group in 0..<groups {
            let (from, to) = (
                partials + group * groupOutputs * reduction,
                weightGradient.storage.base + group * groupOutputs * reduction
            )
            for k in 0..<reduction {
                for output in 0..<groupOutputs { to[output * reduction + k] = from[k * groupOutputs + output] }
            }
        }
    } else {
        weightGradient.storage.base.update(from: partials, count: weightCount)
    }
    biasGradient?.storage.base.update(from: partials + weightCount, count: outputChannels)
    return AffineGradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
}

/// Adds the partial sums of workers 1… into worker 0's: `partials[i] += partials[w·stride + i]`
/// for `i < count`.
func sumPartials(_ partials: UnsafeMutablePointer<Float>, stride: Int, workers: Int, count: Int) {
    for worker in 1..<Swift.max(workers, 1) {
        let partial = partials + worker * stride
        for index in 0..<count { partials[index] += partial[index] }
    }
}
