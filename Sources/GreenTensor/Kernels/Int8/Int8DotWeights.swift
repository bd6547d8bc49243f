internal import CKernels

/// A conv's s8 weights packed for the int8 dot-product kernel (`convolveDots`): for each output,
/// input channel and kernel row, its taps four at a time as one 32-bit word of codes (0 past the
/// row's end), and each output's sum of codes (its zero-point correction).
package struct Int8DotWeights: Sendable {
    /// `[outputs, channels, kH, ⌈kW/4⌉]` words of four codes.
    let quads: [Int32]
    /// One per output: the sum of its codes.
    let rowSums: [Int32]
    /// Words of one output.
    let wordsPerOutput: Int

    /// `codes` (`[outputs, channels, kH, kW]`, in −127...127) packed.
    package init(codes: [Int8], outputs: Int, channels: Int, kernel: Size2D) {
        precondition(
            codes.count == outputs * channels * kernel.height * kernel.width,
            "dot weights: \(codes.count) codes for \(outputs) x \(channels) x \(kernel.height)x\(kernel.width)")
        let (height, width) = (Int32(kernel.height), Int32(kernel.width))
        var quads = [Int32](
            repeating: 0, count: gn_int8_dot_weights_size(Int32(outputs), Int32(channels), height, width))
        var rowSums = [Int32](repeating: 0, count: outputs)
        codes.withUnsafeBufferPointer { codes in
            gn_pack_int8_dot_weights(
                codes.baseAddress!, Int32(outputs), Int32(channels), height, width, &quads, &rowSums)
        }
        self.quads = quads
        self.rowSums = rowSums
        wordsPerOutput = outputs == 0 ? 0 : quads.count / outputs
    }
}
