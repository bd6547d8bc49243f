/// An NCHW batch in raw memory whose images may lie further apart than their own size: an
/// inference plan's tensors live in one arena, and a branch of a concatenation writes its
/// channels straight into the concatenated tensor, so image `n` starts at `base + n·imageStride`
/// with its `[C, H, W]` (or `[F]`) contiguous. The owner keeps the memory alive.
package struct StridedBatch: @unchecked Sendable {
    /// Image 0.
    package let base: UnsafeMutablePointer<Float>
    /// Floats from one image to the next.
    package let imageStride: Int
    /// N.
    package let batch: Int
    /// C (the features of a rank-2 tensor).
    package let channels: Int
    /// Floats per channel plane (H·W; 1 for a rank-2 tensor).
    package let planeSize: Int

    /// A batch of `batch` images of `channels` planes of `planeSize` floats.
    package init(base: UnsafeMutablePointer<Float>, imageStride: Int, batch: Int, channels: Int, planeSize: Int) {
        (self.base, self.imageStride, self.batch, self.channels, self.planeSize) = (
            base, imageStride, batch, channels, planeSize
        )
    }

    /// Floats per image.
    package var imageSize: Int { channels * planeSize }

    /// Image `image`.
    package func image(_ image: Int) -> UnsafeMutablePointer<Float> { base + image * imageStride }

    /// Channel `channel` of image `image`.
    package func plane(_ image: Int, channel: Int) -> UnsafeMutablePointer<Float> {
        base + image * imageStride + channel * planeSize
    }

    /// Copies every image of `self` into `target` (same sizes, any strides): in pieces of 64 Ki
    /// floats shared among the workers where the whole copy is large (a copied float counted as
    /// four multiply-adds' worth of time; the 1.6 MB in and out of a 128x56x56 block took 0.05 ms
    /// of its 0.30 on one thread of two).
    package func copy(into target: StridedBatch) {
        let pieceSize = 1 << 16
        let pieces = (imageSize + pieceSize - 1) / pieceSize
        let workers = ComputeThreads.workers(for: batch * pieces, work: batch * imageSize * 4)
        parallelFor(batch * pieces, workers: workers) { _, range in
            for task in range {
                let (image, piece) = task.quotientAndRemainder(dividingBy: pieces)
                let offset = piece * pieceSize
                (target.image(image) + offset).update(
                    from: self.image(image) + offset, count: Swift.min(pieceSize, imageSize - offset))
            }
        }
    }
}

extension StridedBatch {
    /// A batch of `shape` (rank 4 `[N, C, H, W]` or rank 2 `[N, F]`) at `base`, images
    /// `imageStride` floats apart (nil: one right after the other).
    package init(base: UnsafeMutablePointer<Float>, shape: Shape, imageStride: Int? = nil) {
        let batch = shape.rank > 0 ? shape[0] : 1
        let channels = shape.rank > 1 ? shape[1] : 1
        let imageSize = shape.elementCount / Swift.max(1, batch)
        self.init(
            base: base, imageStride: imageStride ?? imageSize, batch: batch, channels: channels,
            planeSize: imageSize / Swift.max(1, channels))
    }

    /// A tensor's buffer as a dense batch. The caller keeps the tensor alive while the batch is used.
    package init(tensor: Tensor) {
        self.init(base: tensor.storage.base, shape: tensor.shape)
    }
}
