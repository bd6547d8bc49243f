// Dense int8 convs on a few input channels (a network's first: RGB, or MNIST's one channel) by the
// dot-product kernel: each image's planes padded once, then every output channel's rows summed
// from them, up to 4 taps of a kernel row for 16 outputs in one VNNI instruction (8 outputs in
// four on AVX2) and each load of the input serving a block of output channels. The GEMM fills
// its tiles poorly there: a depth of 27 or 25 codes, few output channels.
// MACs: N · O · H'·W' · C·kH·kW.
internal import CKernels

/// Whether the dot-product kernel (`convolveDots`) sums `geometry`'s rows by dot products of 4
/// horizontal taps: a width stride of 1, 2 or 4 without width dilation (other geometries it sums
/// tap by tap).
package func int8DotProductsApply(to geometry: WindowGeometry) -> Bool {
    geometry.dilation.width == 1 && [1, 2, 4].contains(geometry.stride.width)
}

/// Whether `int8Convolve` hands a dense conv of `channels` input and `outputs` output channels to
/// the dot-product kernel on `instructionSet`: AVX2 or VNNI, at most 3 input channels, a width
/// stride of 1, 2 or 4 without width dilation, and either few outputs (16 or fewer) or rows at
/// least 64 outputs wide. Measured at 1 thread on AVX-512 VNNI (C harness, Docs/Quantization.md):
/// mobilenet-v1's first conv (3 -> 32, 224x224, stride 2) 108 -> 58 µs (on AVX2, 253 -> 195 µs,
/// `greenbench quantize --steps`); LeNet-5's (1 -> 6, 5x5 on 28x28) 4.2 -> 1.7 µs; vgg16-cifar's
/// (3 -> 64 on 32x32) stays on the GEMM (16.6 µs an image by dot products against 11.8).
package func int8ConvolutionUsesDots(
    _ geometry: WindowGeometry, channels: Int, outputs: Int, groups: Int, instructionSet: Int8InstructionSet
) -> Bool {
    guard instructionSet != .generic, groups == 1, channels <= 3 else { return false }
    return int8DotProductsApply(to: geometry) && (outputs <= 16 || geometry.output.width >= 64)
}

/// Convolves `input` (u8 `[N, C, H, W]`) by `weights` (packed `[O, C, kH, kW]`) over `geometry`
/// into `output` (u8 `[N, O, H', W']`), output channel `o` requantized with `requantization`'s
/// entry `o`: images in parallel when there are as many as workers, else blocks of 8 output
/// channels of one image at a time.
package func int8ConvolveByDots(
    _ input: Int8Batch, weights: Int8DotWeights, geometry: WindowGeometry, requantization: Int8Requantization,
    into output: Int8Batch, workspace: Workspace, instructionSet: Int8InstructionSet = .active
) {
    let table = Int8Kernels.table(for: instructionSet)
    let cWindow = geometry.cValue
    let (batch, channels, outputs) = (input.batch, input.channels, output.channels)
    let (paddedSize, positions) = (geometry.paddedInputSize, geometry.outputPositions)
    let imageBytes = (channels * paddedSize + Int(GN_INT8_DOT_MARGIN) + 63) / 64 * 64
    let zeroPoint = UInt8(truncatingIfNeeded: requantization.inputZeroPoint)
    let blockSize = 8
    let blocks = (outputs + blockSize - 1) / blockSize
    let work = batch * outputs * positions * channels * geometry.taps
    let workers = ComputeThreads.workers(for: Swift.max(batch, blocks), work: work)
    let imageByImage = batch >= workers
    let scratch = SharedBytes(workspace, bytes: imageBytes * (imageByImage ? workers : 1))
    // Output channels `range` of `image` from its planes padded at `padded`.
    @Sendable func convolve(_ image: Int, outputs range: Range<Int>, padded: UnsafeMutablePointer<UInt8>) {
        weights.convolve(
            padded, channels: channels, geometry: geometry, outputs: range, requantization: requantization,
            into: output.plane(image, channel: range.lowerBound), table: table)
    }
    if imageByImage {
        parallelFor(batch, workers: workers, balanced: true) { worker, images in
            var window = cWindow
            let padded = scratch.base + worker * imageBytes
            for image in images {
                table.padPlanes(input.image(image), Int32(channels), &window, zeroPoint, padded)
                convolve(image, outputs: 0..<outputs, padded: padded)
            }
        }
        return
    }
    var window = cWindow
    for image in 0..<batch {
        table.padPlanes(input.image(image), Int32(channels), &window, zeroPoint, scratch.base)
        parallelFor(blocks, workers: Swift.min(workers, blocks), balanced: true) { _, range in
            convolve(
                image, outputs: (range.lowerBound * blockSize)..<Swift.min(outputs, range.upperBound * blockSize),
                padded: scratch.base)
        }
    }
}
