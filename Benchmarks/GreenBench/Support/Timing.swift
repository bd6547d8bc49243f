import GreenNN

/// Latency statistics of one benchmarked closure, and the one timing loop every greenbench
/// measurement goes through.
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
    /// `progress` hears the number of each timed run before it starts.
    static func measure(
        warmup: Int = 3, minimumRuns: Int = 10, minimumSeconds: Double = 1, maximumRuns: Int = 1000,
        progress: (Int) -> Void = { _ in }, _ body: () throws -> Void
    ) rethrows -> Timing {
        try withoutActuallyEscaping(body) { body in
            try inTurns(
                [body], warmup: warmup, minimumRuns: minimumRuns, minimumSeconds: minimumSeconds,
                maximumRuns: maximumRuns, progress: progress)[0]
        }
    }

    /// The progress line for timed run `run` of a loop asked for at least `runs`: "run 3 of
    /// 10", then, once the loop keeps going to reach its minimum time, "run 14 (10 asked,
    /// continuing to the minimum time)", so the count never reads as past its end.
    static func runLabel(_ run: Int, runs: Int) -> String {
        run <= runs ? "run \(run) of \(runs)" : "run \(run) (\(runs) asked, continuing to the minimum time)"
    }

    /// Times `bodies` taking turns (one call of each per round, so drift on a noisy machine
    /// hits them alike): `warmup` untimed rounds, then rounds until every body has at least
    /// `minimumRuns` samples and the rounds have spent `minimumSeconds` (at most `maximumRuns`).
    /// Returns one `Timing` per body, in order.
    static func inTurns(
        _ bodies: [() throws -> Void], warmup: Int = 3, minimumRuns: Int = 10, minimumSeconds: Double = 1,
        maximumRuns: Int = 1000, progress: (Int) -> Void = { _ in }
    ) throws -> [Timing] {
        for _ in 0..<warmup {
            for body in bodies { try body() }
        }
        var samples = [[Double]](repeating: [], count: bodies.count)
        var spent = 0.0
        var rounds = 0
        while rounds < minimumRuns || (spent < minimumSeconds && rounds < maximumRuns) {
            rounds += 1
            progress(rounds)
            for (index, body) in bodies.enumerated() {
                let seconds = try Stopwatch.seconds(body)
                samples[index].append(seconds)
                spent += seconds
            }
        }
        return samples.map(Timing.init(samples:))
    }
}
