/// What a step does to each output channel as it stores it: `y = min(max(x·scale[c] + shift[c],
/// lower), upper)`. The planner grows it as it absorbs the BatchNorm and activation that follow
/// the step; a step with weights then folds `scale` into them (`folding(weights:rowLength:bias:)`).
struct ChannelFinish {
    /// Per-channel multiplier, nil for 1.
    var scale: [Float]?
    /// Per-channel addend, nil for 0.
    var shift: [Float]?
    /// The clamp's lower bound (-∞ for none).
    var lower: Float = -.infinity
    /// The clamp's upper bound (+∞ for none).
    var upper: Float = .infinity

    /// Whether a clamp is already applied (an affine map cannot follow it in the same pass).
    var clamps: Bool { lower > -.infinity || upper < .infinity }

    /// Composes `x·scale + shift` after the current map; false (nothing changed) once a clamp is set.
    mutating func absorbAffine(scale newScale: [Float]?, shift newShift: [Float]?, channels: Int) -> Bool {
        guard !clamps else { return false }
        let oldScale = scale ?? [Float](repeating: 1, count: channels)
        let oldShift = shift ?? [Float](repeating: 0, count: channels)
        let multiplier = newScale ?? [Float](repeating: 1, count: channels)
        let addend = newShift ?? [Float](repeating: 0, count: channels)
        if newScale != nil { scale = (0..<channels).map { oldScale[$0] * multiplier[$0] } }
        shift = (0..<channels).map { oldShift[$0] * multiplier[$0] + addend[$0] }
        return true
    }

    /// Narrows the clamp to `lower...upper` as well (a ReLU after a ReLU6 changes nothing).
    mutating func absorbClamp(lower newLower: Float, upper newUpper: Float) {
        lower = Swift.max(lower, newLower)
        upper = Swift.max(lower, Swift.min(upper, newUpper))
    }

    /// The weights and per-channel shift that compute `finish(weights·x + bias)` with no scale
    /// left: row `c` of `weights` (`rowLength` floats) times `scale[c]`, and
    /// `shift' = bias·scale + shift`. The shift is nil when there is neither bias nor shift.
    func folding(weights: [Float], rowLength: Int, bias: [Float]?) -> (weights: [Float], shift: [Float]?) {
        let channels = rowLength == 0 ? 0 : weights.count / rowLength
        var folded = weights
        if let scale {
            for channel in 0..<channels {
                for index in channel * rowLength..<(channel + 1) * rowLength { folded[index] *= scale[channel] }
            }
        }
        guard bias != nil || shift != nil else { return (folded, nil) }
        let biases = bias ?? [Float](repeating: 0, count: channels)
        let multipliers = scale ?? [Float](repeating: 1, count: channels)
        let addends = shift ?? [Float](repeating: 0, count: channels)
        return (folded, (0..<channels).map { biases[$0] * multipliers[$0] + addends[$0] })
    }
}
