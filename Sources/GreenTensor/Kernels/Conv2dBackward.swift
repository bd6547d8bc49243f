// The backward pass of `conv2d` by GEMM and col2im (Caffe, Darknet), per image and per group,
// with columns = im2col(input[n, group]) [Cg·kH·kW, H'·W'] rebuilt from the input:
//   weight gradient [Og, Cg·kH·kW] += outputGradient[n, group] [Og, H'·W'] · columnsᵀ   (GEMM, beta 1)
//   bias gradient [Og]             += Σ over H'·W' of outputGradient[n, group]
//   input gradient [Cg, H, W]       = col2im(weight[group]ᵀ [Cg·kH·kW, Og] · outputGradient[n, group])
// A 1x1, stride-1, unpadded conv skips im2col and col2im, as the forward pass does.
// MACs: N · O · H'·W' · (C/groups)·kH·kW for the weight gradient, as many again for the input gradient.
// Threads: images are split across workers; each accumulates into its own weight and bias
// gradient, and the partial sums are added at the end.
internal import CKernels

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
///   - computesInputGradient: false skips the input-gradient GEMM and col2im (half the work),
///     for a first layer whose input is data.
///   - workspace: scratch reused across calls (one per layer); nil allocates per call.
/// - Returns: the input gradient `[N, C, H, W]` (nil when not asked for), the weight gradient
///   `[O, C/groups, kH, kW]` and the bias gradient `[O]` (nil without bias), each summed over the batch.
/// - Throws: `TensorError` when the input, weight and window fail `conv2d`'s checks, or the
///   output gradient is not `[N, O, H', W']`.
public func conv2dBackward(
    _ outputGradient: Tensor, input: Tensor, weight: Tensor, hasBias: Bool,
    stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1, groups: Int = 1,
    computesInputGradient: Bool = true, workspace: Workspace? = nil
) throws(TensorError) -> AffineGradients {
    let operation = "conv2dBackward"
    let (batch, channels, height, width, outputChannels, geometry) = try validatedConvolution(
        input, weight: weight, bias: nil, stride: stride, padding: padding, dilation: dilation, groups: groups,
        operation: operation)
    let outputShape: Shape = [batch, outputChannels, geometry.output.height, geometry.output.width]
    guard outputGradient.shape == outputShape else {
        throw .shapeMismatch(operation: operation, expected: "output gradient \(outputShape)", actual: outputGradient.shape)
    }
    let groupChannels = channels / groups
    let groupOutputs = outputChannels / groups
    let reduction = groupChannels * geometry.taps
    let positions = geometry.outputPositions
    let plane = height * width
    let pointwise = geometry.isPointwise
    let weightCount = weight.elementCount

    let inputGradient = computesInputGradient ? Tensor(uninitializedShape: input.shape) : nil
    let workers = ComputeThreads.workers(for: batch)
    // Per worker: columns, column gradients, a partial weight gradient and a partial bias gradient.
    let columnsPerWorker = pointwise ? 0 : reduction * positions
    let gradientColumnsPerWorker = pointwise || !computesInputGradient ? 0 : reduction * positions
    let perWorker = columnsPerWorker + gradientColumnsPerWorker + weightCount + outputChannels
    let scratchSpace = workspace ?? Workspace()
    defer { withExtendedLifetime(scratchSpace) {} }
    let scratch = SharedPointer(scratchSpace.floats(perWorker * workers))
    let source = SharedPointer(input.storage.base)
    let filters = SharedPointer(weight.storage.base)
    let gradient = SharedPointer(outputGradient.storage.base)
    let destination = inputGradient.map { SharedPointer($0.storage.base) }
    let cWindow = geometry.cValue
    for worker in 0..<workers {
        (scratch.base + worker * perWorker + columnsPerWorker + gradientColumnsPerWorker)
            .initialize(repeating: 0, count: weightCount + outputChannels)
    }

    parallelFor(batch, workers: workers) { worker, range in
        var window = cWindow
        let columns = scratch.base + worker * perWorker
        let gradientColumns = columns + columnsPerWorker
        let partialWeight = gradientColumns + gradientColumnsPerWorker
        let partialBias = partialWeight + weightCount
        for image in range {
            for group in 0..<groups {
                let pixels = source.base + (image * channels + group * groupChannels) * plane
                let outputs = gradient.base + (image * outputChannels + group * groupOutputs) * positions
                if !pointwise {
                    Kernels.table.im2col(pixels, Int32(groupChannels), &window, 0, Int32(geometry.output.height), columns)
                }
                GEMM.multiplyUnchecked(
                    transposeA: .none, transposeB: .transposed, m: groupOutputs, n: reduction, k: positions, alpha: 1,
                    a: outputs, lda: positions, b: pointwise ? pixels : columns, ldb: positions,
                    beta: 1, c: partialWeight + group * groupOutputs * reduction, ldc: reduction)
                if hasBias {
                    for output in 0..<groupOutputs {
                        partialBias[group * groupOutputs + output] += Kernels.table.sum(outputs + output * positions, positions)
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
    sumPartials(scratch.base + columnsPerWorker + gradientColumnsPerWorker, stride: perWorker, workers: workers,
                count: weightCount, into: weightGradient.storage.base)
    if let biasGradient {
        sumPartials(scratch.base + columnsPerWorker + gradientColumnsPerWorker + weightCount, stride: perWorker,
                    workers: workers, count: outputChannels, into: biasGradient.storage.base)
    }
    return AffineGradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
}

/// `destination[i] = Σ over workers w of partials[w·stride + i]` for `i < count`.
func sumPartials(
    _ partials: UnsafeMutablePointer<Float>, stride: Int, workers: Int, count: Int,
    into destination: UnsafeMutablePointer<Float>
) {
    destination.update(from: partials, count: count)
    for worker in 1..<Swift.max(workers, 1) {
        let partial = partials + worker * stride
        for index in 0..<count { destination[index] += partial[index] }
    }
}
