internal import CKernels

/// How an int8 kernel turns each output channel's int32 sum into a u8 code:
/// `code = roundHalfEven(clamp(Float(sum − inputZeroPoint·Σw)·multiplier[o] + shift[o], lower, upper))`,
/// with `multiplier = inputScale·weightScale[o] / outputScale` and `shift = bias[o] / outputScale +
/// outputZeroPoint`; `lower` and `upper` (within 0...255) carry a fused ReLU or ReLU6.
package struct Int8Requantization: Sendable {
    /// Per output channel.
    package var multipliers: [Float]
    /// Per output channel.
    package var shifts: [Float]
    /// The input's zero point.
    package var inputZeroPoint: Int32
    /// The smallest code written.
    package var lower: Float
    /// The largest code written.
    package var upper: Float

    /// The map of each output channel.
    package init(multipliers: [Float], shifts: [Float], inputZeroPoint: Int32, lower: Float, upper: Float) {
        (self.multipliers, self.shifts, self.inputZeroPoint, self.lower, self.upper) = (
            multipliers, shifts, inputZeroPoint, lower, upper
        )
    }

    /// Calls `body` with the C view of channels `first...` (valid inside `body` only).
    func withCValue<Result>(from first: Int = 0, _ body: (UnsafePointer<gn_requantization>) -> Result) -> Result {
        multipliers.withUnsafeBufferPointer { multipliers in
            shifts.withUnsafeBufferPointer { shifts in
                var value = gn_requantization(
                    multiplier: multipliers.baseAddress! + first, shift: shifts.baseAddress! + first,
                    inputZeroPoint: inputZeroPoint, lower: lower, upper: upper)
                return withUnsafePointer(to: &value, body)
            }
        }
    }
}
