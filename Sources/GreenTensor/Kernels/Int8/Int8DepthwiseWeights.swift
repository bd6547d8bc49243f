internal import CKernels

/// A depthwise conv's s8 codes (`[C, kH·kW]`, in −127...127) laid out for every
/// `Int8DepthwiseLayout`: as they are (dot products), as floats plane by plane (the float
/// depthwise kernel) and in blocks of 16 channels (per block, tap by tap, the 16 channels' codes
/// as floats, 0 past the last channel).
package struct Int8DepthwiseWeights: Sendable {
    /// The codes, `[C, taps]`.
    let codes: [Int8]
    /// Channel by channel: `[C, taps]`.
    let planes: [Float]
    /// Block by block of 16 channels: `[⌈C/16⌉, taps, 16]`.
    let blocks: [Float]
    /// Taps a channel's filter has.
    let taps: Int

    /// The layouts of `codes` (`channels` rows of `taps` codes).
    package init(codes: [Int8], channels: Int, taps: Int) {
        precondition(codes.count == channels * taps, "depthwise codes: \(codes.count) for \(channels) x \(taps)")
        let width = Int(GN_INT8_DEPTHWISE_CHANNELS)
        self.codes = codes
        planes = codes.map(Float.init)
        var blocks = [Float](repeating: 0, count: (channels + width - 1) / width * taps * width)
        for channel in 0..<channels {
            let (block, lane) = channel.quotientAndRemainder(dividingBy: width)
            for tap in 0..<taps { blocks[(block * taps + tap) * width + lane] = Float(codes[channel * taps + tap]) }
        }
        self.blocks = blocks
        self.taps = taps
    }
}
