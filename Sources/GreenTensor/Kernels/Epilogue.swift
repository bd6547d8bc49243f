// What a convolution does to each output channel on its way out, fused into the pass that
// adds the bias: y = min(max(x·scale[c] + shift[c], lower), upper). It carries an inference
// BatchNorm (scale and shift) and a ReLU or ReLU6 (the bounds), so a conv + BN + ReLU chain
// writes its output once instead of three times.

/// A per-channel affine map and clamp applied to a convolution's output as it is written.
public struct Epilogue: Sendable {
    /// Per-output-channel multiplier `[O]`, or nil for 1.
    public var scale: Tensor?
    /// Per-output-channel addend `[O]`, applied after `scale`, or nil for 0.
    public var shift: Tensor?
    /// Lower clamp (0 for ReLU; -∞ for none).
    public var lower: Float
    /// Upper clamp (6 for ReLU6; +∞ for none).
    public var upper: Float

    /// An epilogue; the defaults do nothing.
    public init(scale: Tensor? = nil, shift: Tensor? = nil, lower: Float = -.infinity, upper: Float = .infinity) {
        self.scale = scale
        self.shift = shift
        self.lower = lower
        self.upper = upper
    }

    /// The per-channel (scale, shift) that applies `bias` first and then this epilogue:
    /// `(x + bias)·scale + shift = x·scale + (bias·scale + shift)`.
    /// - Throws: `TensorError.shapeMismatch` when a vector is not `[channels]`, or
    ///   `.invalidArgument` when `lower > upper`.
    func folded(bias: Tensor?, channels: Int, operation: String) throws(TensorError) -> (scale: [Float], shift: [Float])
    {
        for vector in [scale, shift] {
            if let vector, vector.shape != [channels] {
                throw .shapeMismatch(
                    operation: operation, expected: "epilogue vector [\(channels)]", actual: vector.shape)
            }
        }
        guard lower <= upper else {
            throw .invalidArgument(
                operation: operation, message: "epilogue lower (\(lower)) must be <= upper (\(upper))")
        }
        let scales = scale?.scalars ?? [Float](repeating: 1, count: channels)
        let biases = bias?.scalars ?? [Float](repeating: 0, count: channels)
        let shifts = shift?.scalars ?? [Float](repeating: 0, count: channels)
        return (scales, (0..<channels).map { biases[$0] * scales[$0] + shifts[$0] })
    }
}
