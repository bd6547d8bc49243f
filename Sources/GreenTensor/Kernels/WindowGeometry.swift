internal import CKernels

/// A pair of sizes for the two spatial axes (height, width). An integer literal
/// sets both: `kernelSize: 3` is 3 x 3; `Size2D(height: 3, width: 1)` is a vertical kernel.
public struct Size2D: Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The size along H.
    public var height: Int
    /// The size along W.
    public var width: Int

    /// A pair with different sizes per axis.
    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// The same size on both axes.
    public init(_ both: Int) {
        self.init(height: both, width: both)
    }

    /// The same size on both axes, from a literal.
    public init(integerLiteral value: Int) {
        self.init(value)
    }

    /// `3` when both axes agree, else `(3, 1)`.
    public var description: String {
        height == width ? "\(height)" : "(\(height), \(width))"
    }
}

/// The geometry of a 2-D sliding window (convolution or pooling) over an `H x W` plane.
///
/// Output size along each axis:
/// `out = (in + 2·padding − dilation·(kernel − 1) − 1) / stride + 1` (floor division).
/// Layers, kernels and cost reports all read this one value, so the cost a layer
/// reports cannot drift from what its kernel computes.
public struct WindowGeometry: Hashable, Sendable {
    /// Input plane size.
    public let input: Size2D
    /// Kernel (window) size.
    public let kernel: Size2D
    /// Step between windows.
    public let stride: Size2D
    /// Zeros (or, for max pooling, ignored cells) added on each side.
    public let padding: Size2D
    /// Spacing between kernel taps (1 = dense).
    public let dilation: Size2D
    /// Output plane size.
    public let output: Size2D

    /// Validates a window and computes its output size.
    ///
    /// With `ceilMode` (pooling only, as PyTorch's `ceil_mode=True`) the output size rounds
    /// up, keeping a last partial window only if it starts inside the input or left padding.
    ///
    /// Along each axis the padded input `in + 2·padding` and the stride may be at most
    /// `KernelLimits.maximumWindowExtent` (2^30), so that the kernels' int index arithmetic
    /// cannot overflow; the input, padding, kernel and dilation are then bounded by it too.
    /// - Throws: `TensorError.invalidArgument` when a kernel, stride or dilation is below 1,
    ///   padding is negative, or the dilated kernel is larger than the padded input;
    ///   `TensorError.sizeLimitExceeded` when a size passes `KernelLimits.maximumWindowExtent`.
    public init(
        input: Size2D, kernel: Size2D, stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1,
        ceilMode: Bool = false, operation: String = "WindowGeometry"
    ) throws(TensorError) {
        guard input.height >= 1, input.width >= 1 else {
            throw .invalidArgument(
                operation: operation, message: "input plane must be at least 1x1, got \(input.height)x\(input.width)")
        }
        guard kernel.height >= 1, kernel.width >= 1, stride.height >= 1, stride.width >= 1,
            dilation.height >= 1, dilation.width >= 1
        else {
            throw .invalidArgument(
                operation: operation,
                message:
                    "kernel size, stride and dilation must be >= 1, got kernel \(kernel), stride \(stride), dilation \(dilation)"
            )
        }
        guard padding.height >= 0, padding.width >= 0 else {
            throw .invalidArgument(operation: operation, message: "padding must be >= 0, got \(padding)")
        }
        // Each size alone first, so that the sums and products below cannot overflow Int.
        func check(_ value: Size2D, _ name: String) throws(TensorError) {
            let limit = KernelLimits.maximumWindowExtent
            if value.height > limit {
                throw .sizeLimitExceeded(
                    operation: operation, quantity: "\(name) height", value: value.height, limit: limit)
            }
            if value.width > limit {
                throw .sizeLimitExceeded(
                    operation: operation, quantity: "\(name) width", value: value.width, limit: limit)
            }
        }
        try check(input, "input")
        try check(padding, "padding")
        try check(kernel, "kernel")
        try check(dilation, "dilation")
        try check(stride, "stride")
        try check(
            Size2D(height: input.height + 2 * padding.height, width: input.width + 2 * padding.width),
            "padded input")
        let span = Size2D(
            height: dilation.height * (kernel.height - 1) + 1, width: dilation.width * (kernel.width - 1) + 1)
        let padded = Size2D(height: input.height + 2 * padding.height, width: input.width + 2 * padding.width)
        guard span.height <= padded.height, span.width <= padded.width else {
            throw .invalidArgument(
                operation: operation,
                message:
                    "kernel \(kernel) with dilation \(dilation) spans \(span.height)x\(span.width), larger than the padded input \(padded.height)x\(padded.width)"
            )
        }
        self.input = input
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        func outputSize(_ padded: Int, _ span: Int, _ stride: Int, _ input: Int, _ padding: Int) -> Int {
            guard ceilMode else { return (padded - span) / stride + 1 }
            var size = (padded - span + stride - 1) / stride + 1
            if (size - 1) * stride >= input + padding { size -= 1 }
            return size
        }
        self.output = Size2D(
            height: outputSize(padded.height, span.height, stride.height, input.height, padding.height),
            width: outputSize(padded.width, span.width, stride.width, input.width, padding.width))
    }

    /// Number of kernel taps, `kH·kW`.
    public var taps: Int { kernel.height * kernel.width }

    /// Number of output positions, `H'·W'`.
    public var outputPositions: Int { output.height * output.width }

    /// Whether the window is a plain 1x1, stride-1, unpadded one (a conv that is just a GEMM).
    public var isPointwise: Bool {
        kernel == 1 && stride == 1 && padding == 0
    }

    /// Cells of one input plane with its padding: (H + 2·padH) · (W + 2·padW).
    var paddedInputSize: Int {
        (input.height + 2 * padding.height) * (input.width + 2 * padding.width)
    }

    /// Floats of workspace the forward depthwise kernel needs per plane: a zero-padded copy of
    /// the input plane, a 16-float gap and an accumulator as large as the copy (KernelBody.h).
    var depthwiseWorkspaceCount: Int { 2 * paddedInputSize + 32 }

    /// Floats of the zero-padded copy of one input plane that the depthwise kernel builds.
    var paddedPlaneCount: Int { padding == 0 ? 0 : paddedInputSize }

    /// An uninitialised `[batch, channels, H', W']` output for this window, its size checked
    /// before it is allocated: padding can make it far larger than the input.
    /// - Throws: `TensorError` naming `operation` when the shape holds too many elements.
    func uninitializedOutput(batch: Int, channels: Int, operation: String) throws(TensorError) -> Tensor {
        Tensor(uninitializedShape: try Shape([batch, channels, output.height, output.width]).validated(for: operation))
    }

    /// Whether consecutive planes can be pooled as one tall plane: the windows tile the rows
    /// exactly (kernel height equal to the vertical stride, no vertical padding, undilated), so
    /// that no window straddles two planes and the output planes follow one another as well.
    var stacksPlanes: Bool {
        kernel.height == stride.height && padding.height == 0 && (dilation.height == 1 || kernel.height == 1)
            && input.height == output.height * stride.height
    }

    /// The window for the C kernels. Every field is at most `KernelLimits.maximumWindowExtent`
    /// (2^30): `init`, the only way to make a geometry, checks the padded input and the stride,
    /// which bound the rest, so the narrowing to C `int` is exact.
    var cValue: gn_window {
        func cInt(_ value: Int) -> Int32 { Int32(truncatingIfNeeded: value) }
        return gn_window(
            inputHeight: cInt(input.height), inputWidth: cInt(input.width),
            kernelHeight: cInt(kernel.height), kernelWidth: cInt(kernel.width),
            strideHeight: cInt(stride.height), strideWidth: cInt(stride.width),
            paddingHeight: cInt(padding.height), paddingWidth: cInt(padding.width),
            dilationHeight: cInt(dilation.height), dilationWidth: cInt(dilation.width),
            outputHeight: cInt(output.height), outputWidth: cInt(output.width))
    }
}
