/// One self-contained HTML page (styles, tables and SVG charts inline, nothing fetched), so
/// a report opens in any browser from a file or an attachment.
struct HTMLPage {
    /// The page's title and first heading.
    let title: String
    private var body: [String] = []

    init(title: String) { self.title = title }

    /// Adds a section heading.
    mutating func heading(_ text: String) { body.append("<h2>\(SVGChart.escape(text))</h2>") }

    /// Adds a paragraph of plain text.
    mutating func paragraph(_ text: String) { body.append("<p>\(SVGChart.escape(text))</p>") }

    /// Adds `table`, numeric columns right-aligned.
    mutating func table(_ table: Table) { body.append(table.html()) }

    /// Adds an SVG chart inline (its XML prologue dropped).
    mutating func chart(_ svg: String) {
        let start = svg.range(of: "<svg")?.lowerBound ?? svg.startIndex
        body.append("<figure>\(svg[start...])</figure>")
    }

    /// The whole document.
    var rendered: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(SVGChart.escape(title))</title>
        <style>
        body { font-family: sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; }
        th { background: #f0f0f0; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 1.5em 0; }
        svg { max-width: 100%; height: auto; }
        </style>
        </head>
        <body>
        <h1>\(SVGChart.escape(title))</h1>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }
}
