/// Low-rank 1x1 convolution: `W (out x in) ≈ U (out x r) · V (r x in)` applied at every pixel,
/// as two 1x1 convs (the channel-mixing counterpart of `LowRankLinear`, as in Denton et al. 2014).
///
/// - Input: `[N, in, H, W]` → Output: `[N, out, H', W']` (the stride and padding are the down
///   factor's; padded pixels give the bias, as in the full conv).
/// - Children: `down` (`Conv2d` in → r, 1x1, no bias) holding V, and `up` (`Conv2d` r → out, 1x1,
///   with bias) holding U; the same as PyTorch's `Sequential(Conv2d(in, r, 1, bias=False), Conv2d(r, out, 1))`.
/// - Parameters: `r·(in + out)` plus `out` biases, against `in·out + out`.
/// - MACs: `N·H'·W'·r·(in + out)`.
/// - In inference, a following BatchNorm and ReLU/ReLU6 fold into the `up` conv's output pass.
public final class LowRankPointwiseConv2d: ChainedLayer, EpilogueFusing {
    /// Input channels.
    public let inputChannels: Int
    /// Output channels.
    public let outputChannels: Int
    /// The rank r, `1 <= r <= min(in, out)`.
    public let rank: Int
    /// V: a 1x1 conv in → r without bias, carrying the stride and padding.
    public let down: Conv2d
    /// U and the bias: a 1x1 conv r → out.
    public let up: Conv2d
    /// Training mode; `train()` / `eval()` set it on the children too.
    public var isTraining = false

    /// Creates the layer from its two factors.
    /// - Throws: `LayerError` when a factor is not an ungrouped 1x1 conv, `down` has a bias,
    ///   `up` has a stride or padding, the inner sizes differ, or the rank exceeds `min(in, out)`.
    public init(down: Conv2d, up: Conv2d) throws {
        let kind = "LowRankPointwiseConv2d"
        for (factor, name) in [(down, "down"), (up, "up")] where !factor.isPointwise {
            throw LayerError.invalidConfiguration(
                kind, "the \(name) factor must be an ungrouped 1x1 conv, got \(factor)")
        }
        guard down.bias == nil else { throw LayerError.invalidConfiguration(kind, "the down factor must have no bias") }
        guard up.stride == Size2D(1), up.padding == Size2D(0) else {
            throw LayerError.invalidConfiguration(kind, "the up factor must have stride 1 and no padding, got \(up)")
        }
        guard down.outputChannels == up.inputChannels else {
            throw LayerError.invalidConfiguration(
                kind,
                "factors do not chain: down gives \(down.outputChannels) channels, up takes \(up.inputChannels)")
        }
        guard down.outputChannels <= Swift.min(down.inputChannels, up.outputChannels) else {
            throw LayerError.invalidConfiguration(
                kind,
                "rank must be in 1...\(Swift.min(down.inputChannels, up.outputChannels)) (min(in, out)), got \(down.outputChannels)"
            )
        }
        inputChannels = down.inputChannels
        outputChannels = up.outputChannels
        rank = down.outputChannels
        self.down = down
        self.up = up
    }

    /// The truncated-SVD factorisation of a trained 1x1 conv: the bias, stride and padding carry over.
    /// - Throws: `LayerError` when `conv` is not an ungrouped, undilated 1x1 conv, or for an
    ///   invalid selection (see `LowRankFactors`).
    public convenience init(approximating conv: Conv2d, keeping selection: RankSelection) throws {
        guard conv.isPointwise else {
            throw LayerError.invalidConfiguration(
                "LowRankPointwiseConv2d", "only an ungrouped, undilated 1x1 conv can be factorised, got \(conv)")
        }
        try self.init(
            LowRankFactors(approximating: conv.weightMatrix, keeping: selection), bias: conv.bias?.value,
            stride: conv.stride, padding: conv.padding)
    }

    /// The layer holding `factors` (`down` as `[r, in, 1, 1]`, `up` as `[out, r, 1, 1]`), with
    /// `bias [out]` or none, and the stride and padding of the conv it replaces.
    /// - Throws: `LayerError` when the bias does not match, or for a bad stride or padding.
    public convenience init(
        _ factors: LowRankFactors, bias: Tensor?, stride: Size2D = 1, padding: Size2D = 0
    ) throws {
        let (outputs, inputs) = (factors.up.shape[0], factors.down.shape[1])
        try self.init(
            down: Conv2d(
                weight: LayerError.wrapping("LowRankPointwiseConv2d") {
                    try factors.down.reshaped(to: [factors.rank, inputs, 1, 1])
                }, bias: nil, stride: stride, padding: padding),
            up: Conv2d(
                weight: LayerError.wrapping("LowRankPointwiseConv2d") {
                    try factors.up.reshaped(to: [outputs, factors.rank, 1, 1])
                }, bias: bias))
    }

    /// `down`, then `up`.
    public var children: [NamedLayer] { [NamedLayer("down", down), NamedLayer("up", up)] }

    /// The output channels, which a following BatchNorm normalises.
    var fusedChannels: Int { outputChannels }

    /// `down`, then `up` with `epilogue` applied as its output is written.
    func forward(_ input: Tensor, epilogue: Epilogue) throws -> Tensor {
        let inner = try LayerError.inChild("down", kind: down.kind) { try down.forward(input) }
        return try LayerError.inChild("up", kind: up.kind) { try up.forward(inner, epilogue: epilogue) }
    }

    /// `LowRankPointwiseConv2d(256, 512, rank: 64)`, with the stride and padding when set.
    public var description: String {
        var parts = ["\(inputChannels)", "\(outputChannels)", "rank: \(rank)"]
        if down.stride != Size2D(1) { parts.append("stride: \(down.stride)") }
        if down.padding != Size2D(0) { parts.append("padding: \(down.padding)") }
        if up.bias == nil { parts.append("bias: false") }
        return "LowRankPointwiseConv2d(" + parts.joined(separator: ", ") + ")"
    }
}
