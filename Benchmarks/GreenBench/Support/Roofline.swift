import GreenNN

/// The roofline model (Williams, Waterman and Patterson 2009) for one layer: its arithmetic
/// intensity (FLOPs of its MACs per byte of weights and activations moved), the bound that
/// intensity implies from the measured sgemm peak and memory bandwidth, and the share of
/// that bound the layer achieved.
struct Roofline {
    /// 2·MACs per byte moved (weights read, input read, output written).
    let intensity: Double
    /// min(peak GFLOP/s, intensity × bandwidth GB/s).
    let boundGFLOPS: Double
    /// Which roof bounds it.
    let memoryBound: Bool

    /// The roofline point of a layer with `cost`, on a machine with `peakGFLOPS` and `bandwidthGBps`.
    init(cost: LayerCost, peakGFLOPS: Double, bandwidthGBps: Double) {
        let bytes = Double(cost.weightBytes + 4 * cost.input.elementCount + cost.activationBytes)
        intensity = bytes > 0 ? 2 * Double(cost.macs) / bytes : 0
        let memoryRoof = intensity * bandwidthGBps
        memoryBound = memoryRoof < peakGFLOPS
        boundGFLOPS = min(peakGFLOPS, memoryRoof)
    }

    /// The ridge point: the intensity where the two roofs meet.
    static func ridge(peakGFLOPS: Double, bandwidthGBps: Double) -> Double { peakGFLOPS / bandwidthGBps }
}
