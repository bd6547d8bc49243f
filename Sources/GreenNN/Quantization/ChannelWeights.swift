/// Weights quantized symmetrically per output channel: row c of `codes` times `scales[c]`
/// approximates row c of the float weights; codes lie in -127...127 (never -128, so the integer
/// kernels' sign trick cannot overflow).
///
/// ```swift
/// let weights = ChannelWeights(quantizing: conv.weight.value.scalars, rows: conv.outputChannels)
/// let corrections = weights.rowSums
/// ```
public struct ChannelWeights: Sendable, Equatable {
    /// The codes, row-major `[rows, rowLength]`.
    public let codes: [Int8]
    /// One per row: `max|row| / 127` (rounded up to the next half-precision number when every
    /// row's lies in half precision's normal range), or 1 when that is 0 (an all-zero row).
    public let scales: [Float]
    /// The number of codes in a row (the inputs of one output channel).
    public let rowLength: Int

    /// Quantizes `weights`, row-major with `rows` rows: `code = round-half-to-even(w / scale)`
    /// clamped to -127...127. NaN weights become 0; infinite ones are left out of the row's
    /// maximum and clamp to ±127. `rows` should divide `weights.count`; when it does not,
    /// `rowLength = weights.count / max(rows, 1)` and the values past the last row are ignored.
    ///
    /// When every row's scale lies in half precision's normal range (2⁻¹⁴ to 65504), each is
    /// rounded up to the next half-precision number before the codes are computed, so a file
    /// stores the scales in 2 bytes (`hasHalfPrecisionScales`) and the codes are exact for them;
    /// the step grows by at most 2⁻¹⁰ of itself. Otherwise the scales stay in single precision.
    public init(quantizing weights: [Float], rows: Int) {
        let rowCount = max(rows, 0)
        let rowLength = weights.count / max(rows, 1)
        var codes = [Int8](repeating: 0, count: rowCount * rowLength)
        var scales = (0..<rowCount).map { row in
            let largest = weights[row * rowLength..<(row + 1) * rowLength].reduce(Float(0)) {
                $1.isFinite ? max($0, abs($1)) : $0
            }
            return largest / 127 > 0 ? largest / 127 : 1
        }
        if scales.allSatisfy(Self.halfPrecisionRange.contains) {
            scales = scales.map { scale in
                let half = Float16(scale)
                return Float(half) >= scale ? Float(half) : Float(half.nextUp)
            }
        }
        for row in 0..<rowCount {
            let span = row * rowLength..<(row + 1) * rowLength
            let scale = scales[row]
            for index in span where !weights[index].isNaN {
                let code = (weights[index] / scale).rounded(.toNearestOrEven)
                codes[index] = Int8(min(max(code, -127), 127))
            }
        }
        self.init(codes: codes, scales: scales, rowLength: rowLength)
    }

    /// Takes quantized weights as they are, for loading: `codes.count` should be
    /// `scales.count · rowLength`.
    public init(codes: [Int8], scales: [Float], rowLength: Int) {
        self.codes = codes
        self.scales = scales
        self.rowLength = rowLength
    }

    /// Half precision's normal numbers: scales inside are stored in 2 bytes with a relative
    /// rounding of at most 2⁻¹¹ (below, subnormals lose digits).
    static let halfPrecisionRange = Float(Float16.leastNormalMagnitude)...Float(Float16.greatestFiniteMagnitude)

    /// Whether every scale is a half-precision number, so files store the scales in 2 bytes each.
    public var hasHalfPrecisionScales: Bool {
        scales.allSatisfy { Self.halfPrecisionRange.contains($0) && Float(Float16($0)) == $0 }
    }

    /// Row sums of the codes (`Σ_k codes[c, k]`), which the integer GEMM's zero-point
    /// correction needs.
    public var rowSums: [Int32] {
        scales.indices.map { row in
            codes[row * rowLength..<(row + 1) * rowLength].reduce(Int32(0)) { $0 + Int32($1) }
        }
    }

    /// The float weights the codes stand for: `codes[c, k] · scales[c]`.
    public func dequantized() -> [Float] {
        codes.indices.map { Float(codes[$0]) * scales[$0 / rowLength] }
    }
}
