/// The report's SVG charts: MACs against latency for every model, and for one baseline and
/// variant pair with per-layer data, the per-layer times and the roofline.
extension BenchmarkReport {
    /// Every model's MACs per image against its median latency per image, one series per batch,
    /// each baseline drawn as a ring.
    func macsVersusLatencyChart() -> String {
        let batches = Array(Set(results.map(\.batch))).sorted()
        let baselines = Set(results.compactMap(\.baseline))
        let points = results.map { result in
            SVGChart.Point(
                x: Double(result.cost.macs) / Double(result.batch),
                y: result.timing.median * 1e3 / Double(result.batch),
                label: "\(result.model) b\(result.batch)", series: batches.firstIndex(of: result.batch) ?? 0,
                baseline: baselines.contains(result.model))
        }
        return SVGChart.scatter(
            title: "Median latency per image against MACs per image (\(executors)), \(Host.description)",
            xLabel: "MACs per image", yLabel: "ms per image", points: points,
            seriesNames: batches.map { "batch \($0)" }, logarithmic: true)
    }

    /// The per-layer (or per-step) median times of `baseline` and `variant`.
    func layerTimeChart(_ baseline: ModelBenchmark, _ variant: ModelBenchmark) -> String {
        let bars = [baseline, variant].enumerated().flatMap { series, result in
            result.layers.filter { $0.medianSeconds > 0 }.map {
                (label: "\(result.model) \($0.path)", value: $0.medianSeconds * 1e3, series: series)
            }
        }
        return SVGChart.bars(
            title: "Median time per layer, batch \(baseline.batch), \(baseline.threads) thread(s), \(Host.description)",
            valueLabel: "median ms", bars: bars, seriesNames: [baseline.model + " (baseline)", variant.model])
    }

    /// Each layer's achieved GFLOP/s against its arithmetic intensity, under the machine's
    /// memory and sgemm roofs.
    func rooflineChart(_ baseline: ModelBenchmark, _ variant: ModelBenchmark) -> String {
        let peak = baseline.peakGFLOPS, bandwidth = machine.bandwidthGBps
        let points = [baseline, variant].enumerated().flatMap { series, result in
            result.layers.filter { $0.cost.macs > 0 && $0.medianSeconds > 0 }.map {
                SVGChart.Point(
                    x: $0.roofline.intensity, y: $0.gflops, label: "\(result.model) \($0.path)", series: series)
            }
        }
        let ridge = Roofline.ridge(peakGFLOPS: peak, bandwidthGBps: bandwidth)
        let low = min(points.map(\.x).min() ?? ridge / 10, ridge / 10)
        let high = max(points.map(\.x).max() ?? ridge * 10, ridge * 10)
        return SVGChart.scatter(
            title: "Roofline per layer, batch \(baseline.batch), \(baseline.threads) thread(s), \(Host.description)",
            xLabel: "FLOP per byte moved", yLabel: "achieved GFLOP/s", points: points,
            seriesNames: [baseline.model + " (baseline)", variant.model], logarithmic: true,
            segments: [
                SVGChart.Segment(
                    from: (low, low * bandwidth), to: (ridge, peak), label: "\(Format.fixed(bandwidth, 1)) GB/s"),
                SVGChart.Segment(
                    from: (ridge, peak), to: (high, peak), label: "sgemm \(Format.fixed(peak, 0)) GFLOP/s"),
            ])
    }

    /// "inference plans", "eager" or both, for chart titles.
    private var executors: String {
        Set(results.map(\.executor)).sorted().map { $0 == "plan" ? "inference plans" : $0 }.joined(separator: " and ")
    }
}
