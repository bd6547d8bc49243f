// The elementwise int8 passes: floats to codes and back at a quantized plan's edges, a residual
// add of two codes into a third scale (with a fused clamp), and the requantizing copy (the add
// without its second operand).
internal import CKernels

/// `output[i] = roundHalfEven(clamp(input[i] · inverseScale + zeroPoint, 0, 255))` (NaN → the
/// zero point): `count` floats to codes.
package func int8Quantize(
    _ input: UnsafePointer<Float>, count: Int, inverseScale: Float, zeroPoint: Int32,
    into output: UnsafeMutablePointer<UInt8>, instructionSet: Int8InstructionSet = .active
) {
    Int8Kernels.table(for: instructionSet).quantize(input, count, inverseScale, Float(zeroPoint), output)
}

/// `output[i] = (input[i] − zeroPoint) · scale`: `count` codes to floats.
package func int8Dequantize(
    _ input: UnsafePointer<UInt8>, count: Int, zeroPoint: Int32, scale: Float,
    into output: UnsafeMutablePointer<Float>, instructionSet: Int8InstructionSet = .active
) {
    Int8Kernels.table(for: instructionSet).dequantize(input, count, Float(zeroPoint), scale, output)
}

/// One operand of `int8Add`: codes, their zero point, and the ratio of their scale to the output's.
package struct Int8Addend {
    /// The codes.
    package let codes: UnsafePointer<UInt8>
    /// Their zero point.
    package let zeroPoint: Int32
    /// Their scale divided by the output's.
    package let multiplier: Float

    /// Codes at `codes` with `zeroPoint`, scaled by `multiplier` into the output's scale.
    package init(_ codes: UnsafePointer<UInt8>, zeroPoint: Int32, multiplier: Float) {
        (self.codes, self.zeroPoint, self.multiplier) = (codes, zeroPoint, multiplier)
    }
}

/// `output[i] = roundHalfEven(clamp((a[i] − za)·ma + (b[i] − zb)·mb + outputZero, lower, upper))`
/// for `count` codes; without `second`, a requantizing copy.
package func int8Add(
    _ first: Int8Addend, _ second: Int8Addend?, count: Int, outputZero: Float, lower: Float, upper: Float,
    into output: UnsafeMutablePointer<UInt8>, instructionSet: Int8InstructionSet = .active
) {
    Int8Kernels.table(for: instructionSet).add(
        first.codes, Float(first.zeroPoint), first.multiplier, second?.codes, Float(second?.zeroPoint ?? 0),
        second?.multiplier ?? 0, count, outputZero, lower, upper, output)
}
