import GreenNN

/// Latency statistics of one benchmarked closure.
struct Timing {
    /// Every timed run, in seconds.
    let samples: [Double]
    /// The median run.
    var median: Double { Statistics.median(samples) }
    /// The 10th percentile.
    var p10: Double { Statistics.quantile(samples, 0.1) }
    /// The 90th percentile.
    var p90: Double { Statistics.quantile(samples, 0.9) }

    /// Times `body`: `warmup` untimed calls, then at least `minimumRuns` timed calls, continuing
    /// until `minimumSeconds` have been spent (at most `maximumRuns`), as the peers' scripts do.
    static func measure(
        warmup: Int = 3, minimumRuns: Int = 10, minimumSeconds: Double = 1, maximumRuns: Int = 1000,
        _ body: () throws -> Void
    ) rethrows -> Timing {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        var spent = 0.0
        while samples.count < minimumRuns || (spent < minimumSeconds && samples.count < maximumRuns) {
            let seconds = try Stopwatch.seconds(body)
            samples.append(seconds)
            spent += seconds
        }
        return Timing(samples: samples)
    }
}
