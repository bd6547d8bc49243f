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
    var wordsPerOutput: Int { rowSums.isEmpty ? 0 : quads.count / rowSums.count }

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
    }

    /// Outputs `outputs` of a conv over `geometry` by `table`'s dot-product kernel, from `channels`
    /// padded planes at `padded` (`geometry.paddedInputSize` bytes apart, the kernel's margin
    /// after them) into output planes from `output` (`geometry.outputPositions` bytes apart),
    /// output `o` requantized with `requantization`'s entry `o`.
    func convolve(
        _ padded: UnsafeMutablePointer<UInt8>, channels: Int, geometry: WindowGeometry, outputs: Range<Int>,
        requantization: Int8Requantization, into output: UnsafeMutablePointer<UInt8>, table: gn_int8_kernel_table
    ) {
        var window = geometry.cValue
        quads.withUnsafeBufferPointer { quads in
            rowSums.withUnsafeBufferPointer { rowSums in
                requantization.withCValue(from: outputs.lowerBound) { cRequantization in
                    table.convolveDots(
                        padded, geometry.paddedInputSize, Int32(channels), &window,
                        quads.baseAddress! + outputs.lowerBound * wordsPerOutput,
                        rowSums.baseAddress! + outputs.lowerBound,
                        Int32(outputs.count), cRequantization, output, geometry.outputPositions)
                }
            }
        }
    }
}
