// Depthwise convolution on a direct kernel (no im2col): each channel convolved with its own
// kH x kW filter. A 3x3 kernel with one column of padding reads the input rows directly:
// stride 1 two output rows at a time (on planes at most half a vector wide, the whole plane
// as one masked run across the row ends), stride 2 with each input row split into even and
// odd columns (no gathers); the bias and a clamp run in its stores. Other kernels copy the
// plane into a zero-padded workspace once, then for each output row accumulate the taps along
// contiguous W, one weight in a register per tap; planes with short rows (stride 1) accumulate
// all rows as one run over the padded plane and copy the valid columns out.
//   input [N, C, H, W], weight [C, 1, kH, kW] -> output [N, C, H', W']
// MACs: N · C · H'·W' · kH·kW. Planes (N·C) run in parallel.
internal import CKernels

/// Depthwise 2-D convolution: channel `c` of the output is channel `c` of the input
/// convolved with filter `c` (PyTorch's `Conv2d(C, C, k, groups: C)`).
///
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - weight: `[C, 1, kH, kW]`; rectangular kernels (k x 1, 1 x k) are fine.
///   - bias: `[C]`, or nil.
///   - stride: step between windows, per axis.
///   - padding: zeros added on each side, per axis.
///   - dilation: spacing between kernel taps, per axis.
///   - workspace: scratch for padded planes, reused across calls; nil allocates per call.
///   - epilogue: a per-channel scale, shift and clamp applied to each plane after the bias
///     (an inference BatchNorm, a ReLU); nil for none.
/// - Returns: `[N, C, H', W']`, sizes as in `conv2d`.
/// - Throws: `TensorError` for a wrong rank, a weight that is not `[C, 1, kH, kW]`,
///   a bias that is not `[C]`, or an invalid window.
public func depthwiseConv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil,
    stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1, epilogue: Epilogue? = nil,
    workspace: Workspace? = nil
) throws(TensorError) -> Tensor {
    let (batch, channels, _, _, geometry) = try validatedDepthwise(
        input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
        operation: "depthwiseConv2d")
    let output = try geometry.uninitializedOutput(batch: batch, channels: channels, operation: "depthwiseConv2d")
    // The folded scale and shift (bias included) and the clamp run on each plane right after it
    // is computed, while it is in cache.
    try withConvolutionOperands(
        input, weight: weight, bias: bias, epilogue: epilogue, output: output, channels: channels, groups: channels,
        geometry: geometry, operation: "depthwiseConv2d"
    ) { convolveDepthwise($0, workspace: workspace ?? Workspace()) }
    return output
}

/// Runs the depthwise convolution `operands` describe (weight `[C, kH·kW]`, `groups == C`):
/// each plane through the direct kernel, with the shift as its bias and the clamp in its stores
/// when there is no scale, else followed by the scale, shift and clamp while the plane is in
/// cache. Planes (N·C) run in parallel.
package func convolveDepthwise(_ operands: ConvolutionOperands, workspace: Workspace) {
    let geometry = operands.geometry
    let channels = operands.channels
    let planes = operands.batch * channels
    let paddedPerWorker = geometry.depthwiseWorkspaceCount
    let (inputPlane, outputPlane, taps) = (
        geometry.input.height * geometry.input.width, geometry.outputPositions, geometry.taps
    )
    // Work in GEMM multiply-adds' worth of time: a depthwise MAC costs about four (this kernel
    // runs at 35-140 GFLOP/s where the packed GEMM runs at 240), and each plane is also read and
    // written once. Counted as bare MACs, MobileNet's 14x14 and 7x7 depthwise layers (0.9 M)
    // stayed on one thread: 0.036 ms where two take 0.02.
    let workers = ComputeThreads.workers(for: planes, work: planes * (outputPlane * taps + inputPlane) * 4)
    let scratch = SharedPointer(workspace.floats(paddedPerWorker * workers))
    let cWindow = geometry.cValue

    parallelFor(planes, workers: workers, balanced: true) { worker, range in
        var window = cWindow
        for plane in range {
            let (image, channel) = plane.quotientAndRemainder(dividingBy: channels)
            operands.convolvePlane(
                channel, from: operands.inputImage(image) + channel * inputPlane,
                into: operands.outputPlane(image, channel: channel), window: &window,
                workspace: scratch.base + worker * paddedPerWorker)
        }
    }
}

/// Runs two depthwise convolutions one after the other (`first`'s output is `second`'s input,
/// as in a flattened conv's vertical and horizontal stages), plane by plane: each plane of the
/// intermediate lives in a worker's scratch, in L1, instead of in memory between two passes over
/// every plane (vertical then horizontal over 128 planes of 56x56: 73 µs per plane against 86 in
/// two passes, C harness). `first`'s output and `second`'s input pointers are not used.
package func convolveDepthwisePair(
    _ first: ConvolutionOperands, _ second: ConvolutionOperands, workspace: Workspace
) {
    let channels = first.channels
    let planes = first.batch * channels
    let (inputPlane, middlePlane, outputPlane) = (
        first.geometry.input.height * first.geometry.input.width, first.geometry.outputPositions,
        second.geometry.outputPositions
    )
    let padded = Swift.max(first.geometry.depthwiseWorkspaceCount, second.geometry.depthwiseWorkspaceCount)
    let perWorker = padded + middlePlane
    let work = planes * (middlePlane * first.geometry.taps + outputPlane * second.geometry.taps + inputPlane) * 4
    let workers = ComputeThreads.workers(for: planes, work: work)
    let scratch = SharedPointer(workspace.floats(perWorker * workers))
    let (firstWindow, secondWindow) = (first.geometry.cValue, second.geometry.cValue)
    parallelFor(planes, workers: workers, balanced: true) { worker, range in
        var windows = (firstWindow, secondWindow)
        let (padding, middle) = (scratch.base + worker * perWorker, scratch.base + worker * perWorker + padded)
        for plane in range {
            let (image, channel) = plane.quotientAndRemainder(dividingBy: channels)
            first.convolvePlane(
                channel, from: first.inputImage(image) + channel * inputPlane, into: middle, window: &windows.0,
                workspace: padding)
            second.convolvePlane(
                channel, from: middle, into: second.outputPlane(image, channel: channel), window: &windows.1,
                workspace: padding)
        }
    }
}

extension ConvolutionOperands {
    /// One channel of this depthwise convolution, from the plane at `source` into the plane at
    /// `target`: without a scale, the shift as the kernel's bias and the clamp in its stores;
    /// with one, followed by the scale, shift and clamp while the plane is in cache.
    fileprivate func convolvePlane(
        _ channel: Int, from source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>,
        window: inout gn_window, workspace: UnsafeMutablePointer<Float>
    ) {
        let shift = self.shift?[channel] ?? 0
        let scale = self.scale?[channel]
        Kernels.table.depthwisePlane(
            source, weight + channel * geometry.taps, scale == nil ? shift : 0, scale == nil ? lower : -.infinity,
            scale == nil ? upper : .infinity, &window, workspace, target)
        if let scale {
            Kernels.table.affineClamp(target, geometry.outputPositions, scale, shift, lower, upper)
        }
    }
}

/// Checks a depthwise convolution of `input` by `weight` as `depthwiseConv2d` does, and returns its sizes.
/// - Throws: `TensorError` naming `operation` for a wrong rank, a weight that is not
///   `[C, 1, kH, kW]`, a bias that is not `[C]`, or an invalid window; `.sizeLimitExceeded`
///   when the padded copies of a plane the kernels work in (`depthwiseWorkspaceCount`) would
///   exceed `Shape.maximumTensorElementCount` floats.
func validatedDepthwise(
    _ input: Tensor, weight: Tensor, bias: Tensor?, stride: Size2D, padding: Size2D, dilation: Size2D,
    operation: String
) throws(TensorError) -> (batch: Int, channels: Int, height: Int, width: Int, geometry: WindowGeometry) {
    let (batch, channels, height, width) = try input.imageDimensions(for: operation)
    guard weight.shape.rank == 4, weight.shape[0] == channels, weight.shape[1] == 1 else {
        throw .shapeMismatch(operation: operation, expected: "weight [\(channels), 1, kH, kW]", actual: weight.shape)
    }
    try Tensor.checkBias(bias, channels: channels, for: operation)
    let geometry = try WindowGeometry(
        input: Size2D(height: height, width: width), kernel: Size2D(height: weight.shape[2], width: weight.shape[3]),
        stride: stride, padding: padding, dilation: dilation, operation: operation)
    // At most 2·2^30·2^30 + 32 (WindowGeometry): no overflow, but a plane of tiny input and huge
    // padding must not ask for more workspace than any tensor may hold.
    try KernelLimits.check(
        geometry.depthwiseWorkspaceCount, "padded plane workspace 2·(H + 2·padding)·(W + 2·padding) + 32",
        limit: Shape.maximumTensorElementCount, operation: operation)
    return (batch, channels, height, width, geometry)
}
