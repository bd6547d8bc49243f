import Testing

@testable import GreenTensor

/// `StridedBatch.copy`, the copy in and out of every plan call: every float of every image
/// lands at its place between strides wider than the image, serially and in pieces shared
/// among workers (images over one 64 Ki-float piece, and a last piece that is short).
@Suite struct StridedBatchTests {
    @Test(arguments: [1, 2])
    func copyMovesEveryImageBetweenStrides(threads: Int) throws {
        try withParallelism(threads: threads) {
            let (batch, imageSize) = (3, (1 << 16) * 2 + 5)
            let (sourceStride, targetStride) = (imageSize + 7, imageSize + 3)
            let source = (0..<(batch * sourceStride)).map { Float($0 % 9973) }
            var target = [Float](repeating: -1, count: batch * targetStride)
            var from = source
            from.withUnsafeMutableBufferPointer { sourceBuffer in
                target.withUnsafeMutableBufferPointer { targetBuffer in
                    let shape: Shape = [batch, imageSize]
                    StridedBatch(base: sourceBuffer.baseAddress!, shape: shape, imageStride: sourceStride).copy(
                        into: StridedBatch(base: targetBuffer.baseAddress!, shape: shape, imageStride: targetStride))
                }
            }
            for image in 0..<batch {
                let copied = target[(image * targetStride)..<(image * targetStride + imageSize)]
                #expect(Array(copied) == Array(source[(image * sourceStride)..<(image * sourceStride + imageSize)]))
                let gap = target[(image * targetStride + imageSize)..<((image + 1) * targetStride)]
                #expect(gap.allSatisfy { $0 == -1 }, "image \(image): the gap between images was written")
            }
        }
    }
}
