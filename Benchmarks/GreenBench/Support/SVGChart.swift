import Foundation

/// Small, dependency-free SVG charts for the report: a scatter plot (optionally log-log,
/// with optional roof lines) and horizontal bars. Axes fit the data (a linear axis does not
/// start at 0 unless the data does), every point carries its label on the chart, and a
/// baseline point is drawn as a ring. Text is XML-escaped, so the output is well-formed XML.
enum SVGChart {
    /// One point of a scatter plot.
    struct Point {
        let x: Double
        let y: Double
        let label: String
        let series: Int
        /// Drawn as a ring with "(baseline)" after its label.
        var baseline = false
    }

    /// A line segment in data coordinates (for rooflines).
    struct Segment {
        let from: (x: Double, y: Double)
        let to: (x: Double, y: Double)
        let label: String
    }

    static let palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]

    /// `text` escaped for XML content and attributes.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A scatter plot of `points` (series colours from the palette, named by `seriesNames`),
    /// on log axes when `logarithmic`, with optional `segments` drawn as lines.
    static func scatter(
        title: String, xLabel: String, yLabel: String, points: [Point], seriesNames: [String],
        logarithmic: Bool, segments: [Segment] = []
    ) -> String {
        let (width, height, left, right, top, bottom) = (900.0, 520.0, 80.0, 200.0, 40.0, 60.0)
        let xs = points.map(\.x) + segments.flatMap { [$0.from.x, $0.to.x] }
        let ys = points.map(\.y) + segments.flatMap { [$0.from.y, $0.to.y] }
        func transform(_ value: Double) -> Double { logarithmic ? log10(max(value, 1e-12)) : value }
        let (xMin, xMax) = padded(xs.map(transform), logarithmic)
        let (yMin, yMax) = padded(ys.map(transform), logarithmic)
        func px(_ x: Double) -> Double { left + (transform(x) - xMin) / (xMax - xMin) * (width - left - right) }
        func py(_ y: Double) -> Double {
            height - bottom - (transform(y) - yMin) / (yMax - yMin) * (height - top - bottom)
        }
        var body = frame(
            width: width, height: height, left: left, right: right, top: top, bottom: bottom, title: title,
            xLabel: xLabel, yLabel: yLabel)
        body += ticks(min: xMin, max: xMax, logarithmic: logarithmic) { value, text in
            "<text x=\"\(fmt(left + (value - xMin) / (xMax - xMin) * (width - left - right)))\" y=\"\(fmt(height - bottom + 16))\" font-size=\"11\" text-anchor=\"middle\">\(text)</text>"
        }
        body += ticks(min: yMin, max: yMax, logarithmic: logarithmic) { value, text in
            "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(height - bottom - (value - yMin) / (yMax - yMin) * (height - top - bottom) + 4))\" font-size=\"11\" text-anchor=\"end\">\(text)</text>"
        }
        for segment in segments {
            body +=
                "<line x1=\"\(fmt(px(segment.from.x)))\" y1=\"\(fmt(py(segment.from.y)))\" x2=\"\(fmt(px(segment.to.x)))\" y2=\"\(fmt(py(segment.to.y)))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>"
            body +=
                "<text x=\"\(fmt(px(segment.to.x) - 4))\" y=\"\(fmt(py(segment.to.y) - 6))\" font-size=\"10\" fill=\"#777\" text-anchor=\"end\">\(escape(segment.label))</text>"
        }
        var placed = PlacedLabels()
        for point in points.sorted(by: { py($0.y) < py($1.y) }) {
            let colour = palette[point.series % palette.count]
            let (x, y) = (px(point.x), py(point.y))
            let label = point.baseline ? point.label + " (baseline)" : point.label
            body +=
                point.baseline
                ? "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"6\" fill=\"white\" stroke=\"\(colour)\" stroke-width=\"2.5\"><title>\(escape(label))</title></circle>"
                : "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"4\" fill=\"\(colour)\" fill-opacity=\"0.8\"><title>\(escape(label))</title></circle>"
            let labelY = placed.place(x: x + 8, y: y + 3, width: 5.6 * Double(label.count), height: 11)
            if abs(labelY - (y + 3)) > 1 {
                body +=
                    "<line x1=\"\(fmt(x + 3))\" y1=\"\(fmt(y))\" x2=\"\(fmt(x + 8))\" y2=\"\(fmt(labelY - 3))\" stroke=\"#bbb\"/>"
            }
            body +=
                "<text x=\"\(fmt(x + 8))\" y=\"\(fmt(labelY))\" font-size=\"10\" fill=\"#333\">\(escape(label))</text>"
        }
        for (index, name) in seriesNames.enumerated() {
            let y = top + 16 * Double(index)
            body +=
                "<circle cx=\"\(fmt(width - right + 16))\" cy=\"\(fmt(y))\" r=\"4\" fill=\"\(palette[index % palette.count])\"/>"
            body += "<text x=\"\(fmt(width - right + 26))\" y=\"\(fmt(y + 4))\" font-size=\"11\">\(escape(name))</text>"
        }
        return document(width: width, height: height, body)
    }

    /// Horizontal bars, one per `(label, value, series)`, values on a linear axis from 0.
    static func bars(
        title: String, valueLabel: String, bars: [(label: String, value: Double, series: Int)], seriesNames: [String]
    )
        -> String
    {
        let rowHeight = 16.0
        let (left, right, top, bottom) = (260.0, 200.0, 40.0, 50.0)
        let width = 900.0
        let height = top + bottom + rowHeight * Double(max(bars.count, 1))
        let maximum = max(bars.map(\.value).max() ?? 1, 1e-12)
        var body = frame(
            width: width, height: height, left: left, right: right, top: top, bottom: bottom, title: title,
            xLabel: valueLabel, yLabel: "")
        for (index, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(index)
            let length = bar.value / maximum * (width - left - right)
            body +=
                "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 12))\" font-size=\"10\" text-anchor=\"end\">\(escape(bar.label))</text>"
            body +=
                "<rect x=\"\(fmt(left))\" y=\"\(fmt(y + 2))\" width=\"\(fmt(max(length, 0.5)))\" height=\"\(fmt(rowHeight - 4))\" fill=\"\(palette[bar.series % palette.count])\"><title>\(escape(bar.label)): \(fmt(bar.value))</title></rect>"
            body +=
                "<text x=\"\(fmt(left + length + 4))\" y=\"\(fmt(y + 12))\" font-size=\"10\">\(fmt(bar.value))</text>"
        }
        for (index, name) in seriesNames.enumerated() {
            let y = top + 16 * Double(index)
            body +=
                "<rect x=\"\(fmt(width - right + 12))\" y=\"\(fmt(y - 6))\" width=\"10\" height=\"10\" fill=\"\(palette[index % palette.count])\"/>"
            body += "<text x=\"\(fmt(width - right + 26))\" y=\"\(fmt(y + 4))\" font-size=\"11\">\(escape(name))</text>"
        }
        return document(width: width, height: height, body)
    }

    private static func document(width: Double, height: Double, _ body: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + body + "\n</svg>\n"
    }

    private static func frame(
        width: Double, height: Double, left: Double, right: Double, top: Double, bottom: Double, title: String,
        xLabel: String, yLabel: String
    ) -> String {
        "<text x=\"\(fmt(width / 2))\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">\(escape(title))</text>\n"
            + "<line x1=\"\(fmt(left))\" y1=\"\(fmt(height - bottom))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(height - bottom))\" stroke=\"black\"/>\n"
            + "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top))\" x2=\"\(fmt(left))\" y2=\"\(fmt(height - bottom))\" stroke=\"black\"/>\n"
            + "<text x=\"\(fmt((left + width - right) / 2))\" y=\"\(fmt(height - 14))\" font-size=\"12\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
            + "<text x=\"16\" y=\"\(fmt((top + height - bottom) / 2))\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(fmt((top + height - bottom) / 2)))\">\(escape(yLabel))</text>\n"
    }

    private static func ticks(min: Double, max: Double, logarithmic: Bool, _ draw: (Double, String) -> String) -> String
    {
        var result = ""
        if logarithmic {
            var exponent = min.rounded(.up)
            while exponent <= max {
                result += draw(exponent, "1e\(Int(exponent))")
                exponent += 1
            }
        } else {
            for step in 0...4 {
                let value = min + (max - min) * Double(step) / 4
                result += draw(value, fmt(value))
            }
        }
        return result
    }

    private static func padded(_ values: [Double], _ logarithmic: Bool) -> (Double, Double) {
        guard let low = values.min(), let high = values.max() else { return (0, 1) }
        if logarithmic { return (low.rounded(.down), max(high.rounded(.up), low.rounded(.down) + 1)) }
        let span = high - low
        return span > 0 ? (low - 0.08 * span, high + 0.08 * span) : (low - 1, high + 1)
    }

    /// Labels already drawn, so the next one moves up or down until it overlaps none.
    struct PlacedLabels {
        private var boxes: [(x: Double, y: Double, width: Double, height: Double)] = []

        /// The baseline y for a label of `width` × `height` at (`x`, `y`), nudged in steps of
        /// its height until it clears every label placed before.
        mutating func place(x: Double, y: Double, width: Double, height: Double) -> Double {
            let offsets = [0.0] + (1...12).flatMap { [Double($0) * height, -Double($0) * height] }
            let chosen =
                offsets.map { y + $0 }.first { candidate in
                    !boxes.contains {
                        x < $0.x + $0.width && $0.x < x + width && candidate - height < $0.y
                            && $0.y - $0.height < candidate
                    }
                } ?? y
            boxes.append((x, chosen, width, height))
            return chosen
        }
    }

    /// A number with at most 3 significant decimals, for coordinates and labels.
    static func fmt(_ value: Double) -> String {
        value.isFinite ? String(format: "%.3g", value) : "0"
    }
}
