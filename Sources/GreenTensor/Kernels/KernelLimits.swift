// The largest sizes the kernels take, and the checks that turn a larger one into a typed error
// before any of it is narrowed to a C `int` (where Swift's `Int32(_:)` would trap) or reaches
// int arithmetic in CKernels (where it would overflow).
//   counts, sizes, leading dimensions (channels, C/groups·kH·kW, H'·W', GEMM's m, n, k, lda…)
//       → C `int` in CKernels' table and OpenBLAS's `blasint`: at most 2^31 − 1
//   a sliding window's padded extent (H + 2·padding) and stride, per axis
//       → `gn_window`'s ints, with sums such as `oy·stride + ky·dilation` computed in int: at most 2^30

/// The largest sizes GreenTensor's kernels accept. A larger one throws
/// `TensorError.sizeLimitExceeded` naming the operation, the size, its value and the limit.
public enum KernelLimits {
    /// 2^31 − 1 (`Int32.max`): the most a count, size or leading dimension handed to the C
    /// kernels or OpenBLAS may be (they take C `int`s): input and output channels, a
    /// convolution's reduction `C/groups·kH·kW` and output positions `H'·W'`, GEMM's `m`, `n`,
    /// `k` and leading dimensions, a linear layer's batch size and features.
    public static let maximumCount = Int(Int32.max)

    /// 2^30: the most a sliding window's padded input extent (`H + 2·padding`, `W + 2·padding`)
    /// and its stride may be along either axis, so the kernels' int index sums (an input row
    /// `oy·stride + ky·dilation`, a window's end) stay below 2^31. It bounds the input plane, the
    /// kernel size, the dilation and the output plane along each axis too.
    public static let maximumWindowExtent = 1 << 30

    /// Throws unless `value <= limit`.
    /// - Throws: `TensorError.sizeLimitExceeded` naming `operation`, `quantity`, `value` and `limit`.
    package static func check(
        _ value: Int, _ quantity: String, limit: Int = KernelLimits.maximumCount, operation: String
    ) throws(TensorError) {
        guard value <= limit else {
            throw .sizeLimitExceeded(operation: operation, quantity: quantity, value: value, limit: limit)
        }
    }

    /// `value`, a size, as a C `int`, once checked to lie in `0...maximumCount`.
    /// - Throws: `TensorError.sizeLimitExceeded` naming `operation` and `quantity` when it is
    ///   larger, `TensorError.invalidArgument` when it is negative.
    package static func cInt(_ value: Int, _ quantity: String, operation: String) throws(TensorError) -> Int32 {
        guard value >= 0 else {
            throw .invalidArgument(operation: operation, message: "\(quantity) must be >= 0, got \(value)")
        }
        try check(value, quantity, operation: operation)
        return Int32(value)
    }
}

/// Checks the sizes every GEMM-based convolution path (im2col + sgemm or packed GEMM, images side
/// by side, weight streaming, Winograd, and the backward passes) hands to the C kernels and
/// OpenBLAS as C `int`s: the input channels, the output channels, the kernel taps `kH·kW`, the
/// reduction `C/groups·kH·kW` and the output positions `H'·W'`, each at most
/// `KernelLimits.maximumCount` (the window's own extents are `WindowGeometry`'s to check). With
/// these checked, every size those paths narrow fits (Winograd's tile indices are below `H'·W'`).
/// `conv2d`, `conv2dKeepingColumns` and `conv2dBackward` call it; an inference plan must call it
/// when it adds a convolution step, since the `convolve…` functions do not throw. (The depthwise
/// kernels index taps and planes in `size_t` and need only `WindowGeometry`'s checks.)
/// - Throws: `TensorError.sizeLimitExceeded` naming `operation` and the first size past the limit.
package func checkConvolutionSizes(
    channels: Int, outputChannels: Int, groups: Int, geometry: WindowGeometry, operation: String
) throws(TensorError) {
    try KernelLimits.check(channels, "input channels", operation: operation)
    try KernelLimits.check(outputChannels, "output channels", operation: operation)
    // kH, kW <= 2^30 (WindowGeometry), so taps <= 2^60; with taps and C/groups each below 2^31
    // their product cannot overflow Int.
    try KernelLimits.check(geometry.taps, "kernel taps kH·kW", operation: operation)
    try KernelLimits.check(
        channels / Swift.max(groups, 1) * geometry.taps, "reduction C/groups·kH·kW", operation: operation)
    try KernelLimits.check(geometry.outputPositions, "output positions H'·W'", operation: operation)
}
