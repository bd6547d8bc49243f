extension ContinuousClock.Instant {
    /// Seconds from this instant to now, for the timings a planner or trainer takes.
    var secondsUntilNow: Double {
        let elapsed = (ContinuousClock.now - self).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }
}
