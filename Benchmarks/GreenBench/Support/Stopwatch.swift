import Dispatch

/// Wall-clock time of one call (`Timing` repeats it), and the order statistics benchmarks quote.
enum Stopwatch {
    /// Seconds `body` takes, on the monotonic clock.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// Order statistics of a sample (linear interpolation between closest ranks, as numpy's default).
enum Statistics {
    /// The `q`-quantile (0...1) of `values`; NaN for an empty sample.
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }

    /// The median of `values`.
    static func median(_ values: [Double]) -> Double { quantile(values, 0.5) }
}
