import GreenNN
import Testing

@testable import GreenBench

/// The benchmark harness's arithmetic on known samples.
@Suite struct ReportSupportTests {
    @Test func quantilesInterpolateBetweenClosestRanks() {
        let samples = [5.0, 1, 4, 2, 3]
        #expect(Statistics.median(samples) == 3)
        #expect(Statistics.quantile(samples, 0) == 1)
        #expect(Statistics.quantile(samples, 1) == 5)
        #expect(abs(Statistics.quantile(samples, 0.1) - 1.4) < 1e-12)
        #expect(abs(Statistics.quantile(samples, 0.9) - 4.6) < 1e-12)
        #expect(Statistics.median([1, 2, 3, 4]) == 2.5)
        #expect(Statistics.median([]).isNaN)
    }

    @Test func timingReportsItsOrderStatistics() {
        let timing = Timing(samples: [0.3, 0.1, 0.2, 0.5, 0.4])
        #expect(timing.median == 0.3)
        #expect(abs(timing.p10 - 0.14) < 1e-12)
        #expect(abs(timing.p90 - 0.46) < 1e-12)
    }

    @Test func tablesRenderAlignedTextMarkdownAndCSV() {
        let table = Table(headers: ["model", "MACs"], rows: [["lenet5", "416,520"], ["x,y", "1"]])
        #expect(table.rendered(as: .markdown).split(separator: "\n")[1] == "| --- | --- |")
        #expect(table.rendered(as: .csv) == "model,MACs\nlenet5,416520\n\"x,y\",1")
        let text = table.rendered(as: .text).split(separator: "\n")
        #expect(text[2] == "lenet5  416,520")
    }

    @Test func rooflineTakesTheLowerRoof() {
        let memoryBound = LayerCost(kind: "Conv2d", input: [1, 1000], output: [1, 1000], macs: 1000)
        let point = Roofline(cost: memoryBound, peakGFLOPS: 100, bandwidthGBps: 10)
        // 2·1000 FLOPs over 4·1000 input + 4·1000 output bytes = 0.25 FLOP/byte → 2.5 GFLOP/s roof.
        #expect(point.intensity == 0.25)
        #expect(point.boundGFLOPS == 2.5)
        #expect(point.memoryBound)
        #expect(Roofline.ridge(peakGFLOPS: 100, bandwidthGBps: 10) == 10)
    }

    @Test func svgTextIsEscaped() {
        #expect(SVGChart.escape("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;")
    }
}
