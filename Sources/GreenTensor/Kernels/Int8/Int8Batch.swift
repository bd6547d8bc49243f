/// An NCHW batch of u8 codes in raw memory, images `imageStride` bytes apart (a quantized
/// plan's tensors live in one arena, concatenated branches write into their channels). The
/// owner keeps the memory alive.
package struct Int8Batch: @unchecked Sendable {
    /// Image 0.
    package let base: UnsafeMutablePointer<UInt8>
    /// Bytes from one image to the next.
    package let imageStride: Int
    /// N.
    package let batch: Int
    /// C (the features of a rank-2 tensor).
    package let channels: Int
    /// Codes per channel plane (H·W; 1 for a rank-2 tensor).
    package let planeSize: Int

    /// A batch of `shape` (`[N, C, H, W]` or `[N, F]`) at `base`, images `imageStride` bytes
    /// apart (nil: one right after the other).
    package init(base: UnsafeMutablePointer<UInt8>, shape: Shape, imageStride: Int? = nil) {
        let batch = shape.rank > 0 ? shape[0] : 1
        let channels = shape.rank > 1 ? shape[1] : 1
        let imageSize = shape.elementCount / Swift.max(1, batch)
        self.base = base
        self.imageStride = imageStride ?? imageSize
        self.batch = batch
        self.channels = channels
        self.planeSize = imageSize / Swift.max(1, channels)
    }

    /// Codes per image.
    package var imageSize: Int { channels * planeSize }

    /// Image `image`.
    package func image(_ image: Int) -> UnsafeMutablePointer<UInt8> { base + image * imageStride }

    /// Channel `channel` of image `image`.
    package func plane(_ image: Int, channel: Int) -> UnsafeMutablePointer<UInt8> {
        base + image * imageStride + channel * planeSize
    }
}
