/// "realised": how much of a variant's MAC saving became time saved, the one definition every
/// greenbench table, JSON document and doc uses: (1 − time ratio) / (1 − MAC ratio), where the
/// ratios are variant / baseline. 1.00 means every MAC saved became time saved; above 1, time
/// fell further than MACs; below 0, the variant is slower despite fewer MACs.
enum SavingRealised {
    /// Below this MAC saving (5%) the quotient divides by almost nothing and means nothing.
    static let minimumMACSaving = 0.05

    /// The share realised, or nil where the MAC saving is under `minimumMACSaving` (a
    /// variant that saves no MACs, such as a shared-parameter one, has no share to realise).
    static func share(macRatio: Double, timeRatio: Double) -> Double? {
        let macSaving = 1 - macRatio
        guard macSaving >= minimumMACSaving, macSaving.isFinite, timeRatio.isFinite else { return nil }
        return (1 - timeRatio) / macSaving
    }

    /// The sentence under a verdict table.
    static let explanation =
        "\"realised\" is the time saving as a share of the MAC saving, (1 - time ratio) / (1 - MAC ratio): "
        + "1.00 means every MAC saved became time saved; \"--\" where the MAC saving is under 5%."
}
