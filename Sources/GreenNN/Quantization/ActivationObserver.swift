/// Watches the values one tensor of a model takes over calibration batches and proposes the
/// 8-bit range for it.
///
/// It keeps the exact minimum and maximum and a histogram of 4096 bins over `[-R, R]`, where R is
/// a power of two (at least 2⁻²⁰) that starts at the first power of two covering the first values
/// and doubles when a value falls outside, merging bins pairwise (old bin j becomes new bin
/// 1024 + j/2: exact, as the ranges are nested and the bin count is even). A percentile is read
/// off the histogram, interpolated linearly inside its bin, so it is within one bin width
/// (2R/4096) of the exact order statistic.
///
/// ```swift
/// var observer = ActivationObserver()
/// for batch in calibrationBatches { observer.observe(try model(batch).scalars) }
/// let parameters = observer.parameters(.percentile(99.99))
/// ```
public struct ActivationObserver: Sendable {
    /// The number of histogram bins (even, so that merging pairs is exact).
    static let binCount = 4096
    /// The smallest half-width of the histogram, 2⁻²⁰.
    static let smallestRadius: Float = 0x1p-20
    /// The largest half-width, 2¹²⁷; values beyond it fall into the end bins.
    static let largestRadius: Float = 0x1p127

    /// Counts per bin; bin i covers `[-R + i·w, -R + (i+1)·w)` with `w = 2R / binCount`.
    private var histogram = [Int](repeating: 0, count: ActivationObserver.binCount)
    /// R, the histogram's half-width.
    private var radius = ActivationObserver.smallestRadius
    /// The smallest finite value seen (+∞ before any).
    private var lowest = Float.infinity
    /// The largest finite value seen (-∞ before any).
    private var highest = -Float.infinity

    /// The number of finite values seen.
    public private(set) var count = 0

    /// An observer that has seen nothing.
    public init() {}

    /// The smallest finite value seen, 0 when nothing was seen.
    public var minimum: Float { count > 0 ? lowest : 0 }

    /// The largest finite value seen, 0 when nothing was seen.
    public var maximum: Float { count > 0 ? highest : 0 }

    /// Counts `values` (NaN and infinities are ignored). One pass, no allocation.
    public mutating func observe(_ values: UnsafeBufferPointer<Float>) {
        var next = values.startIndex
        while next < values.endIndex {
            next = bin(values, from: next)
            if next < values.endIndex { widen(toInclude: values[next]) }
        }
    }

    /// Counts `values` (NaN and infinities are ignored).
    public mutating func observe(_ values: [Float]) {
        values.withUnsafeBufferPointer { observe($0) }
    }

    /// The range `method` picks, always containing 0. A percentile outside (50, 100] is clamped
    /// into [50, 100] (NaN reads as 100); with nothing seen the range is `0...0`.
    public func range(_ method: CalibrationMethod) -> ClosedRange<Float> {
        guard count > 0 else { return 0...0 }
        switch method {
        case .minMax:
            return min(lowest, 0)...max(highest, 0)
        case let .percentile(percent):
            let upperFraction = percent.isNaN ? 1 : min(max(percent, 50), 100) / 100
            let total = Double(count)
            let lower = min(max(value(atRank: (1 - upperFraction) * total), lowest), highest)
            let upper = min(max(value(atRank: upperFraction * total), lowest), highest)
            return min(lower, 0)...max(upper, 0)
        }
    }

    /// `QuantizationParameters(covering:)` of `range(method)`.
    public func parameters(_ method: CalibrationMethod) -> QuantizationParameters {
        let bounds = range(method)
        return QuantizationParameters(covering: bounds.lowerBound, bounds.upperBound)
    }

    /// Bins `values[start...]` until the first finite value outside `[-R, R]` and returns its
    /// index (`endIndex` when there is none).
    private mutating func bin(_ values: UnsafeBufferPointer<Float>, from start: Int) -> Int {
        let radius = self.radius
        let limit = radius < Self.largestRadius ? radius : .infinity
        let binsPerUnit = Float(Self.binCount / 2) / radius
        let lastBin = Float(Self.binCount - 1)
        var lowest = self.lowest, highest = self.highest, seen = 0, stop = values.endIndex
        histogram.withUnsafeMutableBufferPointer { bins in
            for index in start..<values.endIndex {
                let value = values[index]
                if !value.isFinite { continue }
                if abs(value) > limit {
                    stop = index
                    break
                }
                lowest = min(lowest, value)
                highest = max(highest, value)
                bins[Int(min(max((value + radius) * binsPerUnit, 0), lastBin))] += 1
                seen += 1
            }
        }
        self.lowest = lowest
        self.highest = highest
        count += seen
        return stop
    }

    /// Doubles R until `[-R, R]` holds `value` (or R reaches its largest), merging the bins
    /// pairwise at each doubling; before anything is counted R just grows.
    private mutating func widen(toInclude value: Float) {
        while radius < abs(value) && radius < Self.largestRadius {
            radius *= 2
            if count > 0 { mergeBinsPairwise() }
        }
    }

    /// Rebins for a doubled R, in place: old bins 2m and 2m+1 become new bin 1024 + m. The lower
    /// half runs downwards and the upper half upwards, so every old count is read before its
    /// slot is overwritten; the outer quarters are then empty.
    private mutating func mergeBinsPairwise() {
        let quarter = Self.binCount / 4, half = Self.binCount / 2
        histogram.withUnsafeMutableBufferPointer { bins in
            for target in stride(from: half - 1, through: quarter, by: -1) {
                bins[target] = bins[2 * (target - quarter)] + bins[2 * (target - quarter) + 1]
            }
            for target in half..<half + quarter {
                bins[target] = bins[2 * (target - quarter)] + bins[2 * (target - quarter) + 1]
            }
            for index in 0..<quarter { bins[index] = 0 }
            for index in half + quarter..<bins.count { bins[index] = 0 }
        }
    }

    /// The value below which `rank` of the counted values lie, interpolated linearly inside the
    /// first occupied bin that reaches it.
    private func value(atRank rank: Double) -> Float {
        let width = 2 * Double(radius) / Double(Self.binCount)
        var below = 0.0
        for (index, occupancy) in histogram.enumerated() where occupancy > 0 {
            let fraction = (rank - below) / Double(occupancy)
            if fraction <= 1 { return Float(-Double(radius) + (Double(index) + fraction) * width) }
            below += Double(occupancy)
        }
        return highest
    }
}
