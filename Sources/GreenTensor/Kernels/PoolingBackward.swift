// The backward passes of the pooling kernels, per [H, W] plane of an NCHW batch:
//   max:      each output gradient goes to the input cell that won its window (the window is
//             scanned again on the forward pass's input, so no indices are stored)
//   average:  each output gradient, divided by its window's divisor, spreads over the window
//   global:   each plane's gradient divided by H·W fills the plane
//   adaptive: each output gradient, divided by its window's cell count, spreads over the window
// Input gradients are fresh [N, C, H, W] tensors; overlapping windows add up. Planes (N·C)
// run in parallel.
internal import CKernels

/// Checks that `outputGradient` has the shape the forward pass returned for `inputShape`.
private func checkGradient(
    _ outputGradient: Tensor, inputShape: Shape, output: Size2D, operation: String
) throws(TensorError) {
    let expected: Shape = [inputShape[0], inputShape[1], output.height, output.width]
    guard outputGradient.shape == expected else {
        throw .shapeMismatch(
            operation: operation, expected: "output gradient \(expected)", actual: outputGradient.shape)
    }
}

/// Runs `kernel` on every plane in parallel with the plane's output gradient and its
/// input-gradient plane (of a fresh `[N, C, H, W]` tensor, which the kernel overwrites).
private func scatterPlanes(
    _ outputGradient: Tensor, inputShape: Shape, geometry: WindowGeometry,
    _ kernel:
        @Sendable (_ plane: Int, UnsafePointer<Float>, UnsafePointer<gn_window>, UnsafeMutablePointer<Float>) -> Void
) -> Tensor {
    let inputGradient = Tensor(uninitializedShape: inputShape)
    let gradient = SharedPointer(outputGradient.storage.base)
    let destination = SharedPointer(inputGradient.storage.base)
    let (inputPlane, outputPlane) = (geometry.input.height * geometry.input.width, geometry.outputPositions)
    let cWindow = geometry.cValue
    parallelFor(inputShape[0] * inputShape[1]) { _, range in
        var window = cWindow
        for plane in range {
            kernel(plane, gradient.base + plane * outputPlane, &window, destination.base + plane * inputPlane)
        }
    }
    return inputGradient
}

/// The input gradient of `maxPool2d`: each output gradient is routed to the input cell that
/// won its window (the first maximum in row-major window order; a NaN wins).
///
/// With `throughReLU` the input is taken to be a ReLU's output and the ReLU's backward pass is
/// fused in: a gradient reaches its cell only if the winning value is positive (where the ReLU
/// passed its input), so `relu → maxPool2d` backpropagates in one pass.
/// - Parameters:
///   - outputGradient: ∂loss/∂output, `[N, C, H', W']`.
///   - input: the forward pass's input, `[N, C, H, W]`.
///   - kernelSize: as passed to `maxPool2d`.
///   - stride: as passed to `maxPool2d`.
///   - padding: as passed to `maxPool2d`.
///   - dilation: as passed to `maxPool2d`.
///   - ceilMode: as passed to `maxPool2d`.
///   - throughReLU: also apply the backward pass of the ReLU that produced `input`.
/// - Returns: `[N, C, H, W]`.
/// - Throws: `TensorError` for an invalid window (as `maxPool2d`) or an output gradient that
///   is not `[N, C, H', W']`.
public func maxPool2dBackward(
    _ outputGradient: Tensor, input: Tensor, kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0,
    dilation: Size2D = 1, ceilMode: Bool = false, throughReLU: Bool = false
) throws(TensorError) -> Tensor {
    let operation = "maxPool2dBackward"
    let (_, geometry) = try poolingGeometry(
        input.shape, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode,
        operation: operation)
    try checkGradient(outputGradient, inputShape: input.shape, output: geometry.output, operation: operation)
    let source = SharedPointer(input.storage.base)
    let inputPlane = geometry.input.height * geometry.input.width
    let positiveOnly: Int32 = throughReLU ? 1 : 0
    return scatterPlanes(outputGradient, inputShape: input.shape, geometry: geometry) {
        plane, gradient, window, target in
        Kernels.table.maxPoolPlaneBackward(source.base + plane * inputPlane, gradient, window, positiveOnly, target)
    }
}

/// The input gradient of `avgPool2d`: each output gradient, divided by the divisor the
/// forward pass used, is added to every input cell of its window.
/// - Parameters:
///   - outputGradient: ∂loss/∂output, `[N, C, H', W']`.
///   - inputShape: the forward pass's input shape, `[N, C, H, W]`.
///   - kernelSize: as passed to `avgPool2d`.
///   - stride: as passed to `avgPool2d`.
///   - padding: as passed to `avgPool2d`.
///   - countIncludesPadding: as passed to `avgPool2d`.
///   - ceilMode: as passed to `avgPool2d`.
/// - Returns: `[N, C, H, W]`.
/// - Throws: `TensorError` for an input shape that is not rank 4, an invalid window, or an
///   output gradient that is not `[N, C, H', W']`.
public func avgPool2dBackward(
    _ outputGradient: Tensor, inputShape: Shape, kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0,
    countIncludesPadding: Bool = true, ceilMode: Bool = false
) throws(TensorError) -> Tensor {
    let operation = "avgPool2dBackward"
    let (_, geometry) = try poolingGeometry(
        try inputShape.validated(for: operation), kernelSize: kernelSize, stride: stride, padding: padding, dilation: 1,
        ceilMode: ceilMode,
        operation: operation)
    try checkGradient(outputGradient, inputShape: inputShape, output: geometry.output, operation: operation)
    let countPadding: Int32 = countIncludesPadding ? 1 : 0
    return scatterPlanes(outputGradient, inputShape: inputShape, geometry: geometry) { _, gradient, window, target in
        Kernels.table.averagePoolPlaneBackward(gradient, window, countPadding, target)
    }
}

/// The input gradient of `globalAvgPool2d`: every cell of plane (n, c) gets
/// `outputGradient[n, c] / (H·W)`.
/// - Parameters:
///   - outputGradient: `[N, C, 1, 1]`.
///   - inputShape: `[N, C, H, W]` with H, W >= 1.
/// - Returns: `[N, C, H, W]`.
/// - Throws: `TensorError` for an input shape that is not rank 4 with a non-empty plane, or an
///   output gradient that is not `[N, C, 1, 1]`.
public func globalAvgPool2dBackward(_ outputGradient: Tensor, inputShape: Shape) throws(TensorError) -> Tensor {
    let operation = "globalAvgPool2dBackward"
    let shape = try inputShape.validated(for: operation)
    guard shape.rank == 4, shape[2] >= 1, shape[3] >= 1 else {
        throw .shapeMismatch(operation: operation, expected: "input shape [N, C, H, W] with H, W >= 1", actual: shape)
    }
    try checkGradient(outputGradient, inputShape: shape, output: 1, operation: operation)
    let inputGradient = Tensor(uninitializedShape: shape)
    let gradient = SharedPointer(outputGradient.storage.base)
    let destination = SharedPointer(inputGradient.storage.base)
    let planeSize = shape[2] * shape[3]
    parallelFor(shape[0] * shape[1]) { _, range in
        for plane in range {
            (destination.base + plane * planeSize).initialize(
                repeating: gradient.base[plane] / Float(planeSize), count: planeSize)
        }
    }
    return inputGradient
}

/// The input gradient of `adaptiveAvgPool2d`: each output gradient, divided by its window's
/// cell count, is added to every cell of its window (windows may overlap).
/// - Parameters:
///   - outputGradient: `[N, C, H', W']`.
///   - inputShape: `[N, C, H, W]`.
/// - Returns: `[N, C, H, W]`.
/// - Throws: `TensorError` for an input shape that is not rank 4 with a non-empty plane, or an
///   output gradient whose plane is empty or whose N and C differ from the input's.
public func adaptiveAvgPool2dBackward(_ outputGradient: Tensor, inputShape: Shape) throws(TensorError) -> Tensor {
    let operation = "adaptiveAvgPool2dBackward"
    let shape = try inputShape.validated(for: operation)
    guard shape.rank == 4, shape[2] >= 1, shape[3] >= 1 else {
        throw .shapeMismatch(operation: operation, expected: "input shape [N, C, H, W] with H, W >= 1", actual: shape)
    }
    let (height, width) = (shape[2], shape[3])
    guard outputGradient.shape.rank == 4, outputGradient.shape[2] >= 1, outputGradient.shape[3] >= 1 else {
        throw .shapeMismatch(
            operation: operation, expected: "output gradient [\(shape[0]), \(shape[1]), H', W']",
            actual: outputGradient.shape)
    }
    let outputSize = Size2D(height: outputGradient.shape[2], width: outputGradient.shape[3])
    try checkGradient(outputGradient, inputShape: shape, output: outputSize, operation: operation)
    let inputGradient = Tensor(uninitializedShape: shape)
    let gradient = SharedPointer(outputGradient.storage.base)
    let destination = SharedPointer(inputGradient.storage.base)
    parallelFor(shape[0] * shape[1]) { _, range in
        for plane in range {
            let cells = destination.base + plane * height * width
            let outputs = gradient.base + plane * outputSize.height * outputSize.width
            cells.initialize(repeating: 0, count: height * width)
            for i in 0..<outputSize.height {
                let rows = adaptivePoolingWindow(i, input: height, output: outputSize.height)
                for j in 0..<outputSize.width {
                    let columns = adaptivePoolingWindow(j, input: width, output: outputSize.width)
                    let share = outputs[i * outputSize.width + j] / Float(rows.count * columns.count)
                    for row in rows {
                        for column in columns { cells[row * width + column] += share }
                    }
                }
            }
        }
    }
    return inputGradient
}
