// Max, average and global average pooling over each [H, W] plane of an NCHW batch.
//   input [N, C, H, W] -> output [N, C, H', W'] (global: [N, C, 1, 1]).
// Compares/adds per output: kH·kW. Planes (N·C) run in parallel.
internal import CKernels

/// Validates a pooling window the way PyTorch does (padding at most half the kernel,
/// so no window lies wholly in the padding).
func poolingGeometry(
    _ input: Shape, kernelSize: Size2D, stride: Size2D?, padding: Size2D, dilation: Size2D, ceilMode: Bool,
    operation: String
) throws(TensorError) -> (planes: Int, geometry: WindowGeometry) {
    guard input.rank == 4 else {
        throw .shapeMismatch(operation: operation, expected: "input [N, C, H, W]", actual: input)
    }
    let (batch, channels, height, width) = (input[0], input[1], input[2], input[3])
    // padding <= kernel / 2, which is 2·padding <= kernel without the product that could overflow.
    guard padding.height <= kernelSize.height / 2, padding.width <= kernelSize.width / 2 else {
        throw .invalidArgument(
            operation: operation, message: "padding (\(padding)) must be at most half the kernel size (\(kernelSize))")
    }
    let geometry = try WindowGeometry(
        input: Size2D(height: height, width: width), kernel: kernelSize, stride: stride ?? kernelSize,
        padding: padding, dilation: dilation, ceilMode: ceilMode, operation: operation)
    return (batch * channels, geometry)
}

/// Runs `kernel` on every plane in parallel, from `input` into a new `[N, C, H', W']` tensor.
private func mapPlanes(
    _ input: Tensor, planes: Int, geometry: WindowGeometry,
    _ kernel: @Sendable (UnsafePointer<Float>, UnsafePointer<gn_window>, UnsafeMutablePointer<Float>) -> Void
) -> Tensor {
    let (batch, channels) = (input.shape[0], input.shape[1])
    let output = Tensor(uninitializedShape: [batch, channels, geometry.output.height, geometry.output.width])
    withExtendedLifetime(input) {
        mapPlanes(
            StridedBatch(tensor: input), geometry: geometry,
            into: StridedBatch(tensor: output), kernel)
    }
    return output
}

/// Runs `kernel` on every plane of `input` in parallel, writing the matching plane of `output`.
private func mapPlanes(
    _ input: StridedBatch, geometry: WindowGeometry, into output: StridedBatch,
    _ kernel: @Sendable (UnsafePointer<Float>, UnsafePointer<gn_window>, UnsafeMutablePointer<Float>) -> Void
) {
    forEachPlaneRun(batch: input.batch, channels: input.channels, geometry: geometry) { image, channel, window in
        kernel(input.plane(image, channel: channel), window, output.plane(image, channel: channel))
    }
}

/// Floats or codes of input a stacked run of planes holds at most (64 KiB of floats).
private let stackedRunElements = 1 << 14

/// Runs `body(image, firstChannel, window)` over every plane of a `[batch, channels]` batch of
/// `geometry`'s planes, in parallel. Where `geometry.stacksPlanes`, a run of consecutive channels
/// of an image (its planes one after the other) goes as one tall plane of `window` (the 2x2
/// pools of VGG: 8,192 planes of 8x8 at batch 32 cost more in calls than in codes); otherwise
/// one plane at a time.
func forEachPlaneRun(
    batch: Int, channels: Int, geometry: WindowGeometry,
    _ body: @Sendable (Int, Int, UnsafePointer<gn_window>) -> Void
) {
    let planeSize = geometry.input.height * geometry.input.width
    let limit = KernelLimits.maximumWindowExtent / Swift.max(1, geometry.input.height)
    let run = geometry.stacksPlanes ? Swift.max(1, Swift.min(channels, stackedRunElements / planeSize, limit)) : 1
    let runs = (channels + run - 1) / run
    let tasks = batch * runs
    let cWindow = geometry.cValue
    let workers = ComputeThreads.workers(for: tasks, work: batch * channels * planeSize)
    parallelFor(tasks, workers: workers, balanced: true) { _, range in
        var window = cWindow
        for task in range {
            let (image, index) = task.quotientAndRemainder(dividingBy: runs)
            let first = index * run
            let count = Swift.min(run, channels - first)
            window.inputHeight = cWindow.inputHeight * Int32(count)
            window.outputHeight = cWindow.outputHeight * Int32(count)
            body(image, first, &window)
        }
    }
}

/// Max pooling of every plane of `input` into `output` (`geometry` validated by the caller).
package func maxPool(_ input: StridedBatch, geometry: WindowGeometry, into output: StridedBatch) {
    mapPlanes(input, geometry: geometry, into: output) { Kernels.table.maxPoolPlane($0, $1, $2) }
}

/// Average pooling of every plane of `input` into `output` (`geometry` validated by the caller).
package func averagePool(
    _ input: StridedBatch, geometry: WindowGeometry, countIncludesPadding: Bool, into output: StridedBatch
) {
    let countPadding: Int32 = countIncludesPadding ? 1 : 0
    mapPlanes(input, geometry: geometry, into: output) { Kernels.table.averagePoolPlane($0, $1, countPadding, $2) }
}

/// The mean of every plane of `input`, into `output` (one float per plane).
package func globalAveragePool(_ input: StridedBatch, into output: StridedBatch) {
    let (channels, planes, size) = (input.channels, input.batch * input.channels, input.planeSize)
    parallelFor(planes, workers: ComputeThreads.workers(for: planes, work: planes * size), balanced: true) { _, range in
        for plane in range {
            let (image, channel) = plane.quotientAndRemainder(dividingBy: channels)
            output.plane(image, channel: channel).pointee =
                Kernels.table.sum(input.plane(image, channel: channel), size) / Float(size)
        }
    }
}

/// Max pooling: each output is the largest input in its window (NaN propagates).
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - kernelSize: the window.
///   - stride: defaults to `kernelSize`, as in PyTorch.
///   - padding: ignored cells on each side, at most half the kernel.
///   - dilation: spacing between window taps.
///   - ceilMode: round the output size up (PyTorch's `ceil_mode`), as SqueezeNet does.
/// - Returns: `[N, C, H', W']`.
/// - Throws: `TensorError` for a wrong rank or an invalid window.
public func maxPool2d(
    _ input: Tensor, kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0, dilation: Size2D = 1,
    ceilMode: Bool = false
) throws(TensorError) -> Tensor {
    let (planes, geometry) = try poolingGeometry(
        input.shape, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode,
        operation: "maxPool2d")
    return mapPlanes(input, planes: planes, geometry: geometry) { Kernels.table.maxPoolPlane($0, $1, $2) }
}

/// Average pooling: each output is the mean of its window.
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - kernelSize: the window.
///   - stride: defaults to `kernelSize`.
///   - padding: zeros on each side, at most half the kernel.
///   - countIncludesPadding: divide by the full window (true, PyTorch's default) or only
///     by the cells inside the input.
///   - ceilMode: round the output size up (PyTorch's `ceil_mode`).
/// - Returns: `[N, C, H', W']`.
/// - Throws: `TensorError` for a wrong rank or an invalid window.
public func avgPool2d(
    _ input: Tensor, kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0,
    countIncludesPadding: Bool = true, ceilMode: Bool = false
) throws(TensorError) -> Tensor {
    let (planes, geometry) = try poolingGeometry(
        input.shape, kernelSize: kernelSize, stride: stride, padding: padding, dilation: 1, ceilMode: ceilMode,
        operation: "avgPool2d")
    let countPadding: Int32 = countIncludesPadding ? 1 : 0
    return mapPlanes(input, planes: planes, geometry: geometry) {
        Kernels.table.averagePoolPlane($0, $1, countPadding, $2)
    }
}

/// Global average pooling: the mean of each `[H, W]` plane.
/// - Parameter input: `[N, C, H, W]`.
/// - Returns: `[N, C, 1, 1]`.
/// - Throws: `TensorError` for a wrong rank or an empty plane.
public func globalAvgPool2d(_ input: Tensor) throws(TensorError) -> Tensor {
    let (batch, channels, height, width) = try input.imageDimensions(for: "globalAvgPool2d")
    guard height >= 1, width >= 1 else {
        throw .invalidShape(operation: "globalAvgPool2d", shape: input.shape, reason: "H and W must be >= 1")
    }
    let output = Tensor(uninitializedShape: [batch, channels, 1, 1])
    withExtendedLifetime(input) { globalAveragePool(StridedBatch(tensor: input), into: StridedBatch(tensor: output)) }
    return output
}

/// The input cells that adaptive pooling averages into output cell `cell` along an axis of `input`
/// cells pooled to `output`: `⌊cell·input/output⌋ ..< ⌈(cell+1)·input/output⌉` (PyTorch's windows).
package func adaptivePoolingWindow(_ cell: Int, input: Int, output: Int) -> Range<Int> {
    (cell * input / output)..<(((cell + 1) * input + output - 1) / output)
}

/// Adaptive average pooling (PyTorch's `adaptive_avg_pool2d`, also "area" resampling):
/// output cell (i, j) is the mean of input rows `⌊i·H/H'⌋ ..< ⌈(i+1)·H/H'⌉` and the
/// matching columns, so any `H x W` maps onto `H' x W'`.
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - outputSize: `H' x W'`, each at least 1.
/// - Returns: `[N, C, H', W']`.
/// - Throws: `TensorError` for a wrong rank or an output size below 1.
public func adaptiveAvgPool2d(_ input: Tensor, outputSize: Size2D) throws(TensorError) -> Tensor {
    let (batch, channels, height, width) = try input.imageDimensions(for: "adaptiveAvgPool2d")
    guard outputSize.height >= 1, outputSize.width >= 1, height >= 1, width >= 1 else {
        throw .invalidArgument(
            operation: "adaptiveAvgPool2d",
            message: "input plane and output size must be at least 1x1, got \(height)x\(width) -> \(outputSize)")
    }
    let output = Tensor(
        uninitializedShape: try Shape([batch, channels, outputSize.height, outputSize.width])
            .validated(for: "adaptiveAvgPool2d"))
    let source = SharedPointer(input.storage.base)
    let destination = SharedPointer(output.storage.base)
    parallelFor(batch * channels) { _, range in
        for plane in range {
            let pixels = source.base + plane * height * width
            let cells = destination.base + plane * outputSize.height * outputSize.width
            for i in 0..<outputSize.height {
                let rows = adaptivePoolingWindow(i, input: height, output: outputSize.height)
                for j in 0..<outputSize.width {
                    let columns = adaptivePoolingWindow(j, input: width, output: outputSize.width)
                    var total: Float = 0
                    for row in rows {
                        for column in columns { total += pixels[row * width + column] }
                    }
                    cells[i * outputSize.width + j] = total / Float(rows.count * columns.count)
                }
            }
        }
    }
    return output
}
