// The backward pass of `depthwiseConv2d` on direct kernels (no im2col), per channel plane:
//   input gradient [H, W]    = each output gradient times each tap, scattered back to the cell
//                              the tap read (accumulated along contiguous output rows in a
//                              zero-bordered workspace, then the interior copied out)
//   weight gradient [kH, kW] += Σ over outputs of outputGradient · the input cell each tap read
//                              (dot products along the rows, 8 lanes wide)
//   bias gradient             += Σ of the output-gradient plane
// MACs: N · C · H'·W' · kH·kW for each of the two gradients.
// Threads: channels are split across workers and each worker loops over the batch, so every
// weight and bias gradient has exactly one writer.
internal import CKernels

/// The gradients of `depthwiseConv2d` (and so of `channelConv1d`) for `outputGradient`.
///
/// - Parameters:
///   - outputGradient: ∂loss/∂output, `[N, C, H', W']`, the shape `depthwiseConv2d` returned.
///   - input: the forward pass's input, `[N, C, H, W]`.
///   - weight: `[C, 1, kH, kW]`.
///   - hasBias: whether the forward pass added a bias (then `bias` is returned).
///   - stride: as passed to `depthwiseConv2d`.
///   - padding: as passed to `depthwiseConv2d`.
///   - dilation: as passed to `depthwiseConv2d`.
///   - computesInputGradient: false skips the input gradient, for a first layer.
///   - workspace: scratch for padded planes, reused across calls; nil allocates per call.
/// - Returns: the input gradient `[N, C, H, W]` (nil when not asked for), the weight gradient
///   `[C, 1, kH, kW]` and the bias gradient `[C]` (nil without bias), summed over the batch.
/// - Throws: `TensorError` when the input, weight and window fail `depthwiseConv2d`'s checks,
///   or the output gradient is not `[N, C, H', W']`.
public func depthwiseConv2dBackward(
    _ outputGradient: Tensor, input: Tensor, weight: Tensor, hasBias: Bool,
    stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1,
    computesInputGradient: Bool = true, workspace: Workspace? = nil
) throws(TensorError) -> AffineGradients {
    let operation = "depthwiseConv2dBackward"
    let (batch, channels, height, width, geometry) = try validatedDepthwise(
        input, weight: weight, bias: nil, stride: stride, padding: padding, dilation: dilation, operation: operation)
    let outputShape: Shape = [batch, channels, geometry.output.height, geometry.output.width]
    guard outputGradient.shape == outputShape else {
        throw .shapeMismatch(
            operation: operation, expected: "output gradient \(outputShape)", actual: outputGradient.shape)
    }
    let inputGradient = computesInputGradient ? Tensor(uninitializedShape: input.shape) : nil
    let weightGradient = Tensor(uninitializedShape: weight.shape)
    let biasGradient = hasBias ? Tensor(uninitializedShape: [channels]) : nil
    let paddedPerWorker = geometry.paddedPlaneCount
    let workers = ComputeThreads.workers(for: channels)
    let scratchSpace = workspace ?? Workspace()
    defer { withExtendedLifetime(scratchSpace) {} }
    let scratch = SharedPointer(scratchSpace.floats(paddedPerWorker * workers))
    let source = SharedPointer(input.storage.base)
    let filters = SharedPointer(weight.storage.base)
    let gradient = SharedPointer(outputGradient.storage.base)
    let destination = inputGradient.map { SharedPointer($0.storage.base) }
    let filterGradients = SharedPointer(weightGradient.storage.base)
    let shiftGradients = biasGradient.map { SharedPointer($0.storage.base) }
    let (inputPlane, outputPlane, taps) = (height * width, geometry.outputPositions, geometry.taps)
    let cWindow = geometry.cValue

    parallelFor(channels, workers: workers) { worker, range in
        var window = cWindow
        let padded = scratch.base + worker * paddedPerWorker
        for channel in range {
            let filterGradient = filterGradients.base + channel * taps
            filterGradient.initialize(repeating: 0, count: taps)
            var biasTotal: Float = 0
            for image in 0..<batch {
                let plane = image * channels + channel
                let outputs = gradient.base + plane * outputPlane
                Kernels.table.depthwisePlaneBackwardWeight(
                    source.base + plane * inputPlane, outputs, &window, padded, filterGradient)
                if shiftGradients != nil { biasTotal += Kernels.table.sum(outputs, outputPlane) }
                if let destination {
                    Kernels.table.depthwisePlaneBackwardInput(
                        outputs, filters.base + channel * taps, &window, padded, destination.base + plane * inputPlane)
                }
            }
            shiftGradients?.base[channel] = biasTotal
        }
    }
    return AffineGradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
}
