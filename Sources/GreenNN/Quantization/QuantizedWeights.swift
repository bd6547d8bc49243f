/// One conv or linear layer's int8 weights in a quantized model: the codes and per-output-channel
/// scales of its weights (BatchNorm folded in first), and its folded bias in float.
public struct QuantizedWeights: Sendable, Equatable {
    /// The layer's weight shape (`[O, C/groups, kH, kW]` or `[out, in]`).
    public let shape: Shape
    /// The codes (−127...127) and one scale per output channel.
    public let channels: ChannelWeights
    /// The bias plus the folded BatchNorm shift, one per output channel; nil when the layer has
    /// neither.
    public let bias: [Float]?

    /// The layer's weights of `shape`, quantized per output channel.
    public init(shape: Shape, codes: ChannelWeights, bias: [Float]?) {
        (self.shape, self.channels, self.bias) = (shape, codes, bias)
    }

    /// Bytes as stored: one per code, a scale per output channel (2 bytes in half precision, else
    /// 4), and a float bias per output channel when there is one.
    public var byteCount: Int {
        channels.codes.count + (channels.hasHalfPrecisionScales ? 2 : 4) * shape[0] + (bias == nil ? 0 : 4 * shape[0])
    }
}
