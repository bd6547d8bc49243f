import Testing

@testable import GreenNN

/// `QuantizationParameters`: ranges widened to hold 0, hand-computed scales and zero points,
/// the round-trip error bound, clamping, NaN, and the exact zero.
@Suite struct QuantizationParametersTests {
    @Test func coveringAStraddlingRange() {
        let parameters = QuantizationParameters(covering: -1, 3)
        #expect(parameters.scale == Float(4) / 255)
        #expect(parameters.zeroPoint == 64)  // round(1 / (4/255)) = round(63.75)
        #expect(parameters.range.lowerBound == -64 * parameters.scale)
        #expect(parameters.range.upperBound == 191 * parameters.scale)
    }

    @Test func coveringAPositiveRangeWidensItToZero() {
        let parameters = QuantizationParameters(covering: 2, 5)
        #expect(parameters.scale == Float(5) / 255)
        #expect(parameters.zeroPoint == 0)
        #expect(parameters.range.lowerBound == 0)
        #expect(abs(parameters.range.upperBound - 5) < 1e-5)
    }

    @Test func coveringANegativeRangeWidensItToZero() {
        let parameters = QuantizationParameters(covering: -4, -1)
        #expect(parameters.scale == Float(4) / 255)
        #expect(parameters.zeroPoint == 255)
        #expect(parameters.range.upperBound == 0)
        #expect(QuantizationParameters(covering: -1, -4) == parameters)
    }

    @Test func degenerateRangesGiveTheIdentityScale() {
        let identity = QuantizationParameters(scale: 1, zeroPoint: 0)
        #expect(QuantizationParameters(covering: 0, 0) == identity)
        #expect(QuantizationParameters(covering: .nan, 1) == identity)
        #expect(QuantizationParameters(covering: -1, .nan) == identity)
        #expect(QuantizationParameters(covering: -.infinity, 1) == identity)
        #expect(QuantizationParameters(covering: 0, .infinity) == identity)
    }

    @Test func memberwiseValuesAreMadeValid() {
        #expect(QuantizationParameters(scale: 0, zeroPoint: 300) == QuantizationParameters(scale: 1, zeroPoint: 255))
        #expect(QuantizationParameters(scale: -2, zeroPoint: -5) == QuantizationParameters(scale: 1, zeroPoint: 0))
        #expect(QuantizationParameters(scale: .infinity, zeroPoint: 7).scale == 1)
        #expect(QuantizationParameters(scale: .nan, zeroPoint: 7).scale == 1)
        #expect(QuantizationParameters(scale: 0.5, zeroPoint: 7) == QuantizationParameters(scale: 0.5, zeroPoint: 7))
    }

    @Test(arguments: [(Float(-1), Float(3)), (0, 6), (-0.02, 0.01), (-250, 17), (-3, 0)])
    func roundTripErrorIsAtMostHalfAStep(lower: Float, upper: Float) {
        let parameters = QuantizationParameters(covering: lower, upper)
        let range = parameters.range
        let steps = 2000
        for step in 0...steps {
            let value = range.lowerBound + (range.upperBound - range.lowerBound) * Float(step) / Float(steps)
            let error = abs(parameters.dequantize(parameters.quantize(value)) - value)
            #expect(error <= parameters.scale * 0.5001, "\(parameters): \(value) comes back \(error) off")
        }
    }

    @Test func valuesOutsideTheRangeClamp() {
        let parameters = QuantizationParameters(covering: -1, 3)
        #expect(parameters.quantize(100) == 255)
        #expect(parameters.quantize(-100) == 0)
        #expect(parameters.quantize(.infinity) == 255)
        #expect(parameters.quantize(-.infinity) == 0)
        #expect(parameters.quantize(.greatestFiniteMagnitude) == 255)
    }

    @Test func nanQuantizesToTheZeroPoint() {
        let parameters = QuantizationParameters(covering: -1, 3)
        #expect(parameters.quantize(.nan) == 64)
    }

    @Test func zeroIsExact() {
        for (lower, upper) in [(Float(-1), Float(3)), (2, 5), (-4, -1), (-0.37, 1.91), (-1e-3, 7)] {
            let parameters = QuantizationParameters(covering: lower, upper)
            #expect(Int32(parameters.quantize(0)) == parameters.zeroPoint, "\(parameters)")
            #expect(parameters.dequantize(UInt8(parameters.zeroPoint)) == 0, "\(parameters)")
        }
    }

    @Test func quantizeRoundsHalfToEven() {
        let parameters = QuantizationParameters(scale: 1, zeroPoint: 10)
        #expect(parameters.quantize(2.5) == 12)
        #expect(parameters.quantize(3.5) == 14)
        #expect(parameters.quantize(-2.5) == 8)
    }

    @Test func describesScaleAndZeroPoint() {
        #expect(QuantizationParameters(scale: 0.0235, zeroPoint: 12).description == "scale 0.0235, zero point 12")
        #expect(QuantizationParameters(covering: -1, 3).description == "scale 0.0157, zero point 64")
    }
}
