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
    /// One per row: `max|row| / 127`, or 1 when that is 0 (an all-zero row).
    public let scales: [Float]
    /// The number of codes in a row (the inputs of one output channel).
    public let rowLength: Int

    /// Quantizes `weights`, row-major with `rows` rows: `code = round-half-to-even(w / scale)`
    /// clamped to -127...127. NaN weights become 0; infinite ones are left out of the row's
    /// maximum and clamp to ±127. `rows` should divide `weights.count`; when it does not,
    /// `rowLength = weights.count / max(rows, 1)` and the values past the last row are ignored.
    public init(quantizing weights: [Float], rows: Int) {
        let rowCount = max(rows, 0)
        let rowLength = weights.count / max(rows, 1)
        var codes = [Int8](repeating: 0, count: rowCount * rowLength)
        var scales = [Float](repeating: 1, count: rowCount)
        for row in 0..<rowCount {
            let span = row * rowLength..<(row + 1) * rowLength
            let largest = weights[span].reduce(Float(0)) { $1.isFinite ? max($0, abs($1)) : $0 }
            let scale = largest / 127 > 0 ? largest / 127 : 1
            scales[row] = scale
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
