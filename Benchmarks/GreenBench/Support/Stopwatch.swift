import Dispatch

/// Wall-clock timing of repeated runs, and the order statistics benchmarks quote.
enum Stopwatch {
    /// Seconds `body` takes, on the monotonic clock.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Runs `body` `warmup` times untimed, then `runs` times timed; returns the timings in seconds.
    static func samples(runs: Int, warmup: Int, _ body: () throws -> Void) rethrows -> [Double] {
        for _ in 0..<warmup { try body() }
        return try (0..<runs).map { _ in try seconds(body) }
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
