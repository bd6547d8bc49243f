// Per-channel 1-D convolution along H (a k x 1 kernel) or along W (1 x k), the vertical and
// horizontal stages of a flattened convolution (Jin, Dundar, Culurciello 2014). It runs on
// the depthwise kernel with a one-row or one-column window, so there is one loop to keep fast.
//   input [N, C, H, W], weight [C, k] -> output [N, C, H', W] (along H) or [N, C, H, W'] (along W)
// MACs: N · C · H'·W' · k.

/// A spatial axis of an NCHW image.
public enum SpatialAxis: Sendable, Hashable {
    /// The H axis (vertical).
    case height
    /// The W axis (horizontal).
    case width
}

/// Convolves each channel with its own 1-D filter along one spatial axis.
///
/// - Parameters:
///   - input: `[N, C, H, W]`.
///   - weight: `[C, k]`.
///   - axis: `.height` for a k x 1 kernel, `.width` for 1 x k.
///   - bias: `[C]`, or nil.
///   - stride: step along `axis` (the other axis is untouched).
///   - padding: zeros on each side along `axis`.
///   - dilation: spacing between taps along `axis`.
///   - workspace: scratch for padded planes, reused across calls; nil allocates per call.
/// - Returns: `[N, C, H', W]` or `[N, C, H, W']`.
/// - Throws: `TensorError` for a weight that is not `[C, k]` or an invalid window.
public func channelConv1d(
    _ input: Tensor, weight: Tensor, along axis: SpatialAxis, bias: Tensor? = nil,
    stride: Int = 1, padding: Int = 0, dilation: Int = 1, workspace: Workspace? = nil
) throws(TensorError) -> Tensor {
    let channels = try input.imageDimensions(for: "channelConv1d").channels
    guard weight.shape.rank == 2, weight.shape[0] == channels else {
        throw .shapeMismatch(operation: "channelConv1d", expected: "weight [\(channels), k]", actual: weight.shape)
    }
    let length = weight.shape[1]
    func alongAxis(_ value: Int, other: Int) -> Size2D {
        axis == .height ? Size2D(height: value, width: other) : Size2D(height: other, width: value)
    }
    return try depthwiseConv2d(
        input,
        weight: weight.reshaped(to: [
            channels, 1, alongAxis(length, other: 1).height, alongAxis(length, other: 1).width,
        ]),
        bias: bias, stride: alongAxis(stride, other: 1), padding: alongAxis(padding, other: 0),
        dilation: alongAxis(dilation, other: 1), workspace: workspace)
}
