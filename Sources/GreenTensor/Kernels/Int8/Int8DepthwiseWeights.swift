internal import CKernels

/// A depthwise conv's s8 codes (`[C, kH, kW]`, in −127...127) laid out for every
/// `Int8DepthwiseLayout`: packed for the dot-product kernel (one output of one channel each), as
/// floats plane by plane (the float depthwise kernel) and in blocks of 16 channels (per block,
/// tap by tap, the 16 channels' codes as floats, 0 past the last channel).
package struct Int8DepthwiseWeights: Sendable {
    /// For the dot-product kernel: channel c is output c of one input channel.
    let dots: Int8DotWeights
    /// Channel by channel: `[C, taps]`.
    let planes: [Float]
    /// Block by block of 16 channels: `[⌈C/16⌉, taps, 16]`.
    let blocks: [Float]

    /// The layouts of `codes` (`channels` filters of `kernel`'s taps).
    package init(codes: [Int8], channels: Int, kernel: Size2D) {
        let taps = kernel.height * kernel.width
        precondition(codes.count == channels * taps, "depthwise codes: \(codes.count) for \(channels) x \(taps)")
        let width = Int(GN_INT8_DEPTHWISE_CHANNELS)
        dots = Int8DotWeights(codes: codes, outputs: channels, channels: 1, kernel: kernel)
        planes = codes.map(Float.init)
        var blocks = [Float](repeating: 0, count: (channels + width - 1) / width * taps * width)
        for channel in 0..<channels {
            let (block, lane) = channel.quotientAndRemainder(dividingBy: width)
            for tap in 0..<taps { blocks[(block * taps + tap) * width + lane] = Float(codes[channel * taps + tap]) }
        }
        self.blocks = blocks
    }
}
