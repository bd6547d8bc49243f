// im2col / col2im: unfold an image's sliding windows into columns so a convolution
// becomes one GEMM (Chellapilla et al. 2006; Caffe, Darknet).
//   image [C, H, W] -> columns [C·kH·kW, H'·W'], row (c·kH + ky)·kW + kx, column y'·W' + x'.
// Padding reads as zero. col2im is the adjoint: it adds each column entry back into
// the pixel it came from, which is the input gradient of im2col.
internal import CKernels

/// Unfolds `image` `[C, H, W]` into columns `[C·kH·kW, H'·W']` for `geometry`.
/// - Throws: `TensorError.shapeMismatch` when the image is not `[C, H, W]` with the
///   geometry's input plane; `TensorError.sizeLimitExceeded` when C passes
///   `KernelLimits.maximumCount`; `TensorError` from `Shape.validated(for:)` when the columns
///   would be too large a tensor.
public func im2col(_ image: Tensor, geometry: WindowGeometry) throws(TensorError) -> Tensor {
    guard image.shape.rank == 3, image.shape[1] == geometry.input.height, image.shape[2] == geometry.input.width
    else {
        throw .shapeMismatch(
            operation: "im2col",
            expected: "image [C, \(geometry.input.height), \(geometry.input.width)]", actual: image.shape)
    }
    let channels = try KernelLimits.cInt(image.shape[0], "channels", operation: "im2col")
    // C < 2^31 and kH·kW <= 2^60 (WindowGeometry) may still overflow Int, or make too large a
    // tensor: checked as the shape [C, kH·kW, H'·W'] before multiplying.
    let size = try Shape([image.shape[0], geometry.taps, geometry.outputPositions]).validated(for: "im2col")
    let columns = Tensor(uninitializedShape: [size[0] * size[1], size[2]])
    var window = geometry.cValue
    let rows = window.outputHeight  // at most KernelLimits.maximumWindowExtent (WindowGeometry)
    Kernels.table.im2col(
        image.storage.base, channels, &window, 0, rows, columns.storage.base, geometry.outputPositions)
    return columns
}

/// Folds columns `[C·kH·kW, H'·W']` back into an image `[C, H, W]`, summing entries that
/// came from the same pixel (the adjoint of `im2col`).
/// - Throws: `TensorError.shapeMismatch` when the columns do not match `channels` and `geometry`;
///   `TensorError.sizeLimitExceeded` when `channels` passes `KernelLimits.maximumCount`.
public func col2im(_ columns: Tensor, channels: Int, geometry: WindowGeometry) throws(TensorError) -> Tensor {
    // C·kH·kW may overflow Int (kH·kW <= 2^60); no tensor has that many rows.
    let (rows, overflow) = channels.multipliedReportingOverflow(by: geometry.taps)
    let expected = overflow ? "\(channels)·\(geometry.taps)" : "\(rows)"
    guard channels >= 1, !overflow, columns.shape == [rows, geometry.outputPositions] else {
        throw .shapeMismatch(
            operation: "col2im", expected: "columns [\(expected), \(geometry.outputPositions)]", actual: columns.shape)
    }
    // Checked after the shape: columns of more than 2^31 − 1 channels exist only past 8 GiB.
    let cChannels = try KernelLimits.cInt(channels, "channels", operation: "col2im")
    let image = try Tensor.zeros([channels, geometry.input.height, geometry.input.width])
    var window = geometry.cValue
    Kernels.table.col2im(columns.storage.base, cChannels, &window, image.storage.base)
    return image
}
