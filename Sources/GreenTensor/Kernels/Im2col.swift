// im2col / col2im: unfold an image's sliding windows into columns so a convolution
// becomes one GEMM (Chellapilla et al. 2006; Caffe, Darknet).
//   image [C, H, W] -> columns [C·kH·kW, H'·W'], row (c·kH + ky)·kW + kx, column y'·W' + x'.
// Padding reads as zero. col2im is the adjoint: it adds each column entry back into
// the pixel it came from, which is the input gradient of im2col.
internal import CKernels

/// Unfolds `image` `[C, H, W]` into columns `[C·kH·kW, H'·W']` for `geometry`.
/// - Throws: `TensorError.shapeMismatch` when the image is not `[C, H, W]` with the
///   geometry's input plane.
public func im2col(_ image: Tensor, geometry: WindowGeometry) throws(TensorError) -> Tensor {
    guard image.shape.rank == 3, image.shape[1] == geometry.input.height, image.shape[2] == geometry.input.width
    else {
        throw .shapeMismatch(
            operation: "im2col",
            expected: "image [C, \(geometry.input.height), \(geometry.input.width)]", actual: image.shape)
    }
    let channels = image.shape[0]
    let columns = Tensor(uninitializedShape: [channels * geometry.taps, geometry.outputPositions])
    var window = geometry.cValue
    Kernels.table.im2col(
        image.storage.base, Int32(channels), &window, 0, Int32(geometry.output.height), columns.storage.base,
        geometry.outputPositions)
    return columns
}

/// Folds columns `[C·kH·kW, H'·W']` back into an image `[C, H, W]`, summing entries that
/// came from the same pixel (the adjoint of `im2col`).
/// - Throws: `TensorError.shapeMismatch` when the columns do not match `channels` and `geometry`.
public func col2im(_ columns: Tensor, channels: Int, geometry: WindowGeometry) throws(TensorError) -> Tensor {
    let expected: Shape = [channels * geometry.taps, geometry.outputPositions]
    guard channels >= 1, columns.shape == expected else {
        throw .shapeMismatch(operation: "col2im", expected: "columns \(expected)", actual: columns.shape)
    }
    let image = try Tensor.zeros([channels, geometry.input.height, geometry.input.width])
    var window = geometry.cValue
    Kernels.table.col2im(columns.storage.base, Int32(channels), &window, image.storage.base)
    return image
}
