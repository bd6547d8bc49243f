extension Conv2d {
    /// A new conv equal to this conv followed by `batchNorm` in inference mode:
    /// `weight'[o] = weight[o]·s[o]`, `bias'[o] = (bias[o] − mean[o])·s[o] + β[o]`, with
    /// `s = γ/√(var + ε)`. The pair's 2 FLOPs per element and one pass over the activations
    /// disappear; the output is the same up to rounding.
    /// - Throws: `LayerError` when `batchNorm.channels` differs from `outputChannels`.
    public func folding(_ batchNorm: BatchNorm2d) throws -> Conv2d {
        guard batchNorm.channels == outputChannels else {
            throw LayerError.invalidConfiguration(
                "Conv2d",
                "cannot fold BatchNorm2d(\(batchNorm.channels)) into a conv with \(outputChannels) output channels")
        }
        let (scale, shift) = try batchNorm.affine(
            mean: batchNorm.runningMean.scalars, variance: batchNorm.runningVariance.scalars)
        let perFilter = weight.value.elementCount / outputChannels
        let scales = scale.scalars, shifts = shift.scalars
        var folded = weight.value.scalars
        for index in folded.indices { folded[index] *= scales[index / perFilter] }
        let oldBias = bias?.value.scalars ?? [Float](repeating: 0, count: outputChannels)
        let newBias = (0..<outputChannels).map { oldBias[$0] * scales[$0] + shifts[$0] }
        return try Conv2d(
            weight: Tensor(shape: weight.value.shape, scalars: folded),
            bias: Tensor(shape: [outputChannels], scalars: newBias),
            stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
