import Testing

@testable import GreenNN

/// `ChannelWeights`: hand-computed codes and scales, the -127...127 code range, the half-step
/// error bound, scales rounded up to half precision (and kept in single precision where they
/// fall outside its normal range), zero and non-finite rows, and the row sums.
@Suite struct ChannelWeightsTests {
    /// Row 0 has max |w| 127 (scale 1), row 1 has 254 (scale 2), so every code is exact arithmetic.
    @Test func handCheckedMatrix() {
        let weights = ChannelWeights(quantizing: [127, -63.5, 2.5, -254, 1, 3], rows: 2)
        #expect(weights.rowLength == 3)
        #expect(weights.scales == [1, 2])
        #expect(weights.codes == [127, -64, 2, -127, 0, 2])  // halves round to even
        #expect(weights.rowSums == [65, -125])
        #expect(weights.dequantized() == [127, -64, 2, -254, 0, 4])
    }

    @Test func randomWeightsStayWithinHalfAStep() {
        var random = generator(901)
        let rows = 16, rowLength = 75
        let floats = (0..<rows * rowLength).map { index in
            Float.random(in: -1..<1, using: &random) * Float(1 << (index / rowLength % 8)) / 8
        }
        let weights = ChannelWeights(quantizing: floats, rows: rows)
        #expect(weights.codes.count == floats.count && weights.scales.count == rows)
        #expect(!weights.codes.contains(-128))
        let dequantized = weights.dequantized()
        for row in 0..<rows {
            let span = row * rowLength..<(row + 1) * rowLength
            #expect(weights.codes[span].map { abs(Int($0)) }.max() == 127, "row \(row)")
            // max|w| / 127 rounded up to half precision: at most 2^-10 of itself larger.
            let exact = floats[span].map(abs).max()! / 127
            #expect(weights.scales[row] >= exact && weights.scales[row] <= exact * (1 + 1 / 1024), "row \(row)")
            for index in span {
                let error = abs(dequantized[index] - floats[index])
                #expect(error <= weights.scales[row] * 0.5001, "row \(row), index \(index): \(error)")
            }
        }
        let sums = (0..<rows).map { row in
            weights.codes[row * rowLength..<(row + 1) * rowLength].reduce(Int32(0)) { $0 + Int32($1) }
        }
        #expect(weights.rowSums == sums)
        #expect(weights.hasHalfPrecisionScales)
    }

    /// A row whose scale lies below half precision's normal range (max |w| 1e-6: scale 7.9e-9)
    /// keeps every scale of the layer in single precision, exactly max |w| / 127.
    @Test func scalesOutsideHalfPrecisionStaySingle() {
        let floats: [Float] = [1e-6, -2.5e-7, 0.5, 0.2]
        let weights = ChannelWeights(quantizing: floats, rows: 2)
        #expect(!weights.hasHalfPrecisionScales)
        #expect(weights.scales == [Float(1e-6) / 127, Float(0.5) / 127])
        #expect(weights.codes == [127, -32, 127, 51])
    }

    @Test func allZeroRowGetsScaleOne() {
        let weights = ChannelWeights(quantizing: [0, 0, 0, 1, 2, 3], rows: 2)
        // 3/127 = 0.0236220... lies between the half-precision numbers 1548 · 2^-16 and 1549 · 2^-16.
        #expect(weights.scales == [1, 1549 / 65536])
        #expect(weights.codes == [0, 0, 0, 42, 85, 127])
        #expect(weights.rowSums == [0, 254])
    }

    @Test func nonFiniteWeights() {
        let weights = ChannelWeights(quantizing: [.nan, 0, 0, .infinity, -.infinity, 127], rows: 2)
        #expect(weights.scales == [1, 1])
        #expect(weights.codes == [0, 0, 0, 127, -127, 127])
    }

    @Test func loadingRebuildsTheSameValue() {
        let quantized = ChannelWeights(quantizing: [0.5, -1, 0.25, 4], rows: 2)
        let loaded = ChannelWeights(codes: quantized.codes, scales: quantized.scales, rowLength: 2)
        #expect(loaded == quantized)
        #expect(loaded.dequantized() == quantized.dequantized())
    }
}
