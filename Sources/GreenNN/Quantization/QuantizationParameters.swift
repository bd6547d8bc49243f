import Foundation

/// An affine map between reals and unsigned 8-bit codes: `real = scale · (code - zeroPoint)`,
/// code in 0...255. The zero point is itself a code, so 0 is represented exactly (padding and
/// ReLU outputs need it).
///
/// ```swift
/// let parameters = QuantizationParameters(covering: -1, 3)  // scale 4/255, zero point 64
/// let code = parameters.quantize(0.5)                       // 96
/// ```
public struct QuantizationParameters: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The step between neighbouring codes: finite and > 0.
    public let scale: Float
    /// The code of 0, in 0...255.
    public let zeroPoint: Int32

    /// Takes the values as given, made valid: `zeroPoint` is clamped into 0...255, and a `scale`
    /// that is not finite and > 0 becomes 1.
    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale.isFinite && scale > 0 ? scale : 1
        self.zeroPoint = min(max(zeroPoint, 0), 255)
    }

    /// Parameters covering `[lower, upper]`, widened to include 0 so that 0 is exactly
    /// representable: `scale = (upper' - lower') / 255`, `zeroPoint = round(-lower' / scale)`
    /// clamped to 0...255 (the bounds may come in either order). A degenerate range (both 0, or
    /// not finite) gives scale 1, zero point 0.
    public init(covering lower: Float, _ upper: Float) {
        let low = min(lower, upper, 0), high = max(lower, upper, 0)
        let scale = (high - low) / 255
        guard lower.isFinite, upper.isFinite, scale.isFinite, scale > 0 else {
            self.init(scale: 1, zeroPoint: 0)
            return
        }
        self.init(scale: scale, zeroPoint: Int32(min(max((-low / scale).rounded(), 0), 255)))
    }

    /// The code of `value`: `round-half-to-even(value / scale) + zeroPoint` clamped to 0...255;
    /// NaN gives the zero point.
    public func quantize(_ value: Float) -> UInt8 {
        guard !value.isNaN else { return UInt8(zeroPoint) }
        let code = (value / scale).rounded(.toNearestOrEven) + Float(zeroPoint)
        return UInt8(min(max(code, 0), 255))
    }

    /// The real of `code`: `scale · (code - zeroPoint)`.
    public func dequantize(_ code: UInt8) -> Float {
        scale * Float(Int32(code) - zeroPoint)
    }

    /// The smallest and largest representable reals, those of codes 0 and 255.
    public var range: ClosedRange<Float> { dequantize(0)...dequantize(255) }

    /// "scale 0.0235, zero point 12" (the scale to three significant digits).
    public var description: String {
        String(format: "scale %.3g, zero point %d", Double(scale), zeroPoint)
    }
}
