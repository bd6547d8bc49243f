/// What an energy figure can and cannot say, printed wherever the figures appear (text,
/// Markdown, CSV columns, JSON fields), so a modelled number is never read as a measurement.
struct EnergyNotes {
    /// Whether the joules came from a sensor (RAPL) rather than the power model.
    let measured: Bool

    /// How the energy ratio between two models relates to their time ratio.
    var ratio: String {
        measured
            ? "energy measured by RAPL over the timed runs: the energy ratio is measured, not derived from time"
            : "energy modelled from CPU time and a power model: the energy ratio repeats the time ratio "
                + "(up to CPU usage), it is not a second measurement"
    }

    /// How per-layer (per-step) joules are obtained.
    static let perLayer =
        "per-layer joules are the pass's energy split by each layer's share of the time, "
        + "not a per-layer measurement"
}
