/// The report folder `greenbench run --out` and the standard suite write: results.json,
/// results.csv, report.md, report.html (the same tables and the charts inline, one
/// self-contained page) and the SVG charts.
extension BenchmarkReport {
    /// Writes the report into `directory`; `layerPair` names the baseline and variant whose
    /// per-layer data gets the layer-time and roofline charts.
    /// - Throws: `JSONError` when results.json cannot be encoded, or the save's error; no
    ///   file is left half-written.
    func write(to directory: String, layerPair: (baseline: String, variant: String, batch: Int)?) throws {
        let folder = try ReportFolder(creating: directory)
        try folder.save("results.json", JSON.string(jsonObject()) + "\n")
        try folder.save("results.csv", rendered(as: .csv) + "\n")
        var charts = [(name: "macs-vs-latency.svg", svg: macsVersusLatencyChart())]
        if let pair = layerPair,
            let baseline = results.first(where: {
                $0.model == pair.baseline && $0.batch == pair.batch && !$0.layers.isEmpty
            }),
            let variant = results.first(where: {
                $0.model == pair.variant && $0.batch == pair.batch && !$0.layers.isEmpty
            })
        {
            charts += [
                ("layer-times.svg", layerTimeChart(baseline, variant)),
                ("roofline.svg", rooflineChart(baseline, variant)),
            ]
        }
        for chart in charts { try folder.save(chart.name, chart.svg) }
        try folder.save("report.md", markdown(charts: charts.map(\.name)))
        try folder.save("report.html", html(charts: charts.map(\.svg)))
    }

    /// Sections of the report in reading order: a heading, the notes under it, and its table.
    private var sections: [(heading: String, notes: [String], table: Table)] {
        var sections = [
            (
                "Models",
                [
                    "Peak RSS is each model's own high-water mark (reset before it was built); RSS before is what was already resident then."
                ], summaryTable()
            )
        ]
        if !verdicts.isEmpty {
            sections.append(
                (
                    "Variants against their baselines",
                    [SavingRealised.explanation, energyNotes.ratio.capitalisedFirst + "."], verdictTable()
                ))
        }
        for result in results where !result.layers.isEmpty {
            sections.append(
                (
                    "\(result.model), batch \(result.batch), per layer", [EnergyNotes.perLayer.capitalisedFirst + "."],
                    layerTable(result)
                ))
        }
        return sections
    }

    private var title: String { "GreenNN benchmark report, \(Host.description)" }

    private func markdown(charts: [String]) -> String {
        var text = "# \(title)\n\n" + environment() + "\n"
        for section in sections {
            text +=
                "\n## \(section.heading)\n\n" + section.notes.joined(separator: "\n") + "\n\n"
                + section.table.rendered(as: .markdown) + "\n"
        }
        return text + "\n## Charts\n\n" + charts.map { "![\($0)](\($0))" }.joined(separator: "\n\n") + "\n"
    }

    private func html(charts: [String]) -> String {
        var page = HTMLPage(title: title)
        page.paragraph(environment())
        for section in sections {
            page.heading(section.heading)
            for note in section.notes { page.paragraph(note) }
            page.table(section.table)
        }
        page.heading("Charts")
        for chart in charts { page.chart(chart) }
        return page.rendered
    }
}
