import Foundation
import Testing

@testable import GreenNN

/// `ActivationObserver` and `CalibrationMethod`: exact min-max, percentiles of known
/// distributions read off the histogram, outliers clipped, the same answer whether the range
/// grows across batches or not, non-finite values ignored, and the empty observer.
@Suite struct ActivationObserverTests {
    /// A uniform Float in [0, 1) with 24 random bits.
    static func uniform(_ random: inout SeededGenerator) -> Float { Float(random.next() >> 40) * 0x1p-24 }

    /// A standard normal sample (Box–Muller on two 53-bit uniforms).
    static func normal(_ random: inout SeededGenerator) -> Float {
        let radius = (-2 * log(1 - Double(random.next() >> 11) * 0x1p-53)).squareRoot()
        return Float(radius * cos(2 * Double.pi * Double(random.next() >> 11) * 0x1p-53))
    }

    @Test func minMaxOfKnownValues() {
        var observer = ActivationObserver()
        observer.observe([-1.5, 0.25, 3, 2])
        #expect(observer.count == 4)
        #expect(observer.minimum == -1.5 && observer.maximum == 3)
        #expect(observer.range(.minMax) == -1.5...3)
        #expect(observer.range(.percentile(100)) == -1.5...3)
        #expect(observer.parameters(.minMax) == QuantizationParameters(covering: -1.5, 3))

        var positive = ActivationObserver()
        positive.observe([1, 2, 0.5])
        #expect(positive.range(.minMax) == 0...2)
    }

    @Test func percentileOfAUniformDistribution() {
        var random = generator(911)
        var observer = ActivationObserver()
        observer.observe((0..<200_000).map { _ in Self.uniform(&random) })
        let range = observer.range(.percentile(99))
        #expect(range.lowerBound == 0)
        #expect(abs(range.upperBound - 0.99) < 0.002, "\(range)")
        #expect(observer.parameters(.percentile(99)).zeroPoint == 0)
    }

    /// A million normal samples plus five outliers at each of ±1000: the 99.99th percentile
    /// (3.719 for the normal) ignores them, min-max does not.
    @Test func percentileClipsOutliers() {
        var random = generator(912)
        var observer = ActivationObserver()
        observer.observe((0..<1_000_000).map { _ in Self.normal(&random) })
        observer.observe([Float](repeating: 1000, count: 5) + [Float](repeating: -1000, count: 5))
        let range = observer.range(.percentile(99.99))
        #expect(abs(range.upperBound - 3.72) < 0.2, "\(range)")
        #expect(abs(range.lowerBound + 3.72) < 0.2, "\(range)")
        #expect(observer.range(.minMax) == -1000...1000)
    }

    /// Batches whose range grows (so the histogram merges its bins) give the percentiles of one
    /// batch holding the widest values first, within one bin width.
    @Test func growingBatchesMatchOneBatch() {
        var random = generator(913)
        let batches = [Float(0.5), 3, 20].map { (half: Float) -> [Float] in
            (0..<20_000).map { _ in (2 * Self.uniform(&random) - 1) * half }
        }
        var growing = ActivationObserver()
        for batch in batches { growing.observe(batch) }
        var single = ActivationObserver()
        single.observe(Array(batches.reversed().joined()))
        #expect(growing.count == single.count)
        #expect(growing.range(.minMax) == single.range(.minMax))
        let binWidth = Float(2 * 32) / 4096  // R = 32 covers ±20
        for percent in [60, 99, 99.9, 100] {
            let a = growing.range(.percentile(percent)), b = single.range(.percentile(percent))
            #expect(abs(a.lowerBound - b.lowerBound) <= binWidth, "\(percent): \(a) vs \(b)")
            #expect(abs(a.upperBound - b.upperBound) <= binWidth, "\(percent): \(a) vs \(b)")
        }
    }

    @Test func nonFiniteValuesAreIgnored() {
        var observer = ActivationObserver()
        observer.observe([.nan, .infinity, 1, -.infinity, -2, .nan])
        var finite = ActivationObserver()
        finite.observe([1, -2])
        #expect(observer.count == 2)
        #expect(observer.minimum == -2 && observer.maximum == 1)
        #expect(observer.range(.percentile(99)) == finite.range(.percentile(99)))
        #expect(observer.range(.minMax) == -2...1)
    }

    @Test func emptyObserverGivesTheDegenerateRange() {
        var observer = ActivationObserver()
        observer.observe([])
        observer.observe([.nan, .infinity])
        #expect(observer.count == 0)
        #expect(observer.minimum == 0 && observer.maximum == 0)
        #expect(observer.range(.minMax) == 0...0)
        #expect(observer.range(.percentile(99.99)) == 0...0)
        #expect(observer.parameters(.minMax) == QuantizationParameters(scale: 1, zeroPoint: 0))
    }

    @Test func calibrationMethodParsesCommandLineValues() {
        #expect(CalibrationMethod(parsing: "minmax") == .minMax)
        #expect(CalibrationMethod(parsing: "min-max") == .minMax)
        #expect(CalibrationMethod(parsing: "Percentile") == .percentile(99.99))
        #expect(CalibrationMethod(parsing: "percentile:99.9") == .percentile(99.9))
        #expect(CalibrationMethod(parsing: "percentile:100") == .percentile(100))
        for bad in ["", "max", "percentile:", "percentile:50", "percentile:100.5", "percentile:nan", "percentile:x"] {
            #expect(CalibrationMethod(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func calibrationMethodDescriptions() {
        #expect(CalibrationMethod.minMax.description == "min-max")
        #expect(CalibrationMethod.percentile(99.99).description == "percentile 99.99")
        #expect(CalibrationMethod.percentile(99.9).description == "percentile 99.9")
        #expect(CalibrationMethod.percentile(100).description == "percentile 100")
    }
}
