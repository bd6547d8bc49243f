// The backward pass of training-mode batch normalisation (Ioffe and Szegedy 2015, §3), per
// channel c over its m = N·H·W values, with x̂ = (x − μ)·σ⁻¹ and y = γ·x̂ + β:
//   ∂β = Σ dy,   ∂γ = Σ dy·x̂ = σ⁻¹·(Σ dy·x − μ·Σ dy)
//   dx = γ·σ⁻¹/m · (m·dy − Σ dy − x̂·∂γ), rewritten as dx = a·dy + b·x + c with per-channel
//   a = γ·σ⁻¹, b = −γ·σ⁻²·∂γ/m, c = −a·Σ dy/m − b·μ,
// so each element costs one pass of sums (3 FLOPs, accumulated in Double) and one of 4 FLOPs.
// Channels run in parallel.

/// The gradients of batch normalisation computed with the batch's own statistics.
///
/// - Parameters:
///   - outputGradient: ∂loss/∂output, `[N, C, …]`.
///   - input: the forward pass's input, the same shape.
///   - mean: the batch mean μ per channel, `[C]`.
///   - inverseStandardDeviation: σ⁻¹ = 1/√(biased batch variance + ε) per channel, `[C]`.
///   - scale: γ, `[C]`.
/// - Returns: the input gradient (the input's shape), `weight` ∂γ `[C]` and `bias` ∂β `[C]`.
/// - Throws: `TensorError` for rank below 2, shapes that differ, or a per-channel vector that is not `[C]`.
public func batchNormBackward(
    _ outputGradient: Tensor, input: Tensor, mean: Tensor, inverseStandardDeviation: Tensor, scale: Tensor
) throws(TensorError) -> AffineGradients {
    let operation = "batchNormBackward"
    guard input.shape.rank >= 2 else {
        throw .shapeMismatch(operation: operation, expected: "input [N, C, …]", actual: input.shape)
    }
    guard outputGradient.shape == input.shape else {
        throw .shapeMismatch(
            operation: operation, expected: "output gradient \(input.shape)", actual: outputGradient.shape)
    }
    let (batch, channels) = (input.shape[0], input.shape[1])
    for vector in [mean, inverseStandardDeviation, scale] where vector.shape != [channels] {
        throw .shapeMismatch(operation: operation, expected: "per-channel vector [\(channels)]", actual: vector.shape)
    }
    let plane = input.shape.dimensions.dropFirst(2).reduce(1, *)
    let count = Double(batch * plane)
    let inputGradient = Tensor(uninitializedShape: input.shape)
    let weightGradient = Tensor(uninitializedShape: [channels])
    let biasGradient = Tensor(uninitializedShape: [channels])
    let (x, dy, dx) = (
        SharedPointer(input.storage.base), SharedPointer(outputGradient.storage.base),
        SharedPointer(inputGradient.storage.base)
    )
    let (mu, inverse, gamma) = (
        SharedPointer(mean.storage.base), SharedPointer(inverseStandardDeviation.storage.base),
        SharedPointer(scale.storage.base)
    )
    let (dGamma, dBeta) = (SharedPointer(weightGradient.storage.base), SharedPointer(biasGradient.storage.base))
    parallelFor(channels) { _, range in
        for channel in range {
            var gradientSum: Double = 0, productSum: Double = 0
            for image in 0..<batch {
                let offset = (image * channels + channel) * plane
                for index in offset..<(offset + plane) {
                    gradientSum += Double(dy.base[index])
                    productSum += Double(dy.base[index]) * Double(x.base[index])
                }
            }
            let (average, invSigma, weight) = (
                Double(mu.base[channel]), Double(inverse.base[channel]), Double(gamma.base[channel])
            )
            let normalisedProduct = invSigma * (productSum - average * gradientSum)
            dGamma.base[channel] = Float(normalisedProduct)
            dBeta.base[channel] = Float(gradientSum)
            let guardedCount = Swift.max(count, 1)
            let a = weight * invSigma
            let b = -weight * invSigma * invSigma * normalisedProduct / guardedCount
            let c = -a * gradientSum / guardedCount - b * average
            let (fa, fb, fc) = (Float(a), Float(b), Float(c))
            for image in 0..<batch {
                let offset = (image * channels + channel) * plane
                for index in offset..<(offset + plane) {
                    dx.base[index] = fa * dy.base[index] + fb * x.base[index] + fc
                }
            }
        }
    }
    return AffineGradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
}
