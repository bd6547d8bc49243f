/// A rectangular report: a header row and rows of cells, rendered as an aligned text
/// table, Markdown, CSV or an HTML table; greenbench's one table renderer (GreenNN's cost
/// tables have their own, nested ones). Numeric columns are right-aligned in text and HTML.
struct Table {
    /// Column titles.
    let headers: [String]
    /// Cells, one array per row, as many as `headers`.
    var rows: [[String]]

    /// Renders the table in `format` (JSON is the caller's job: it has typed values).
    func rendered(as format: OutputFormat) -> String {
        switch format {
        case .text, .json: text()
        case .markdown: markdown()
        case .csv: csv()
        }
    }

    /// The table with one more column, `header`, holding `value` on every row (CSV's way of
    /// carrying a setting such as the energy source beside each figure).
    func appendingColumn(_ header: String, _ value: String) -> Table {
        Table(headers: headers + [header], rows: rows.map { $0 + [value] })
    }

    /// An HTML `<table>`, cells escaped, numeric columns right-aligned.
    func html() -> String {
        let numeric = numericColumns
        func cell(_ text: String, _ column: Int) -> String {
            "<td\(numeric[column] ? " class=\"number\"" : "")>\(SVGChart.escape(text))</td>"
        }
        let head = "<tr>" + headers.map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr>"
        let body = rows.map { row in "<tr>" + row.indices.map { cell(row[$0], $0) }.joined() + "</tr>" }
        return (["<table>", head] + body + ["</table>"]).joined(separator: "\n")
    }

    /// Whether each column holds only numbers (with separators, "%" or "x") or "--".
    private var numericColumns: [Bool] {
        headers.indices.map { column in
            !rows.isEmpty
                && rows.allSatisfy {
                    $0[column] == "--" || Double($0[column].filter { $0 != "," && $0 != "%" && $0 != "x" }) != nil
                }
        }
    }

    private func text() -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        let numeric = numericColumns
        func line(_ cells: [String]) -> String {
            cells.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - cells[column].count)
                return numeric[column] ? padding + cells[column] : cells[column] + padding
            }.joined(separator: "  ")
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }

    private func markdown() -> String {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
        return ([line(headers), line(headers.map { _ in "---" })] + rows.map(line)).joined(separator: "\n")
    }

    private func csv() -> String {
        func escape(_ cell: String) -> String {
            let digits = cell.filter { $0 != "," }
            if cell.contains(","), !digits.isEmpty, Int(digits) != nil { return digits }  // 1,234 -> 1234
            return cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }
        return ([headers] + rows).map { $0.map(escape).joined(separator: ",") }.joined(separator: "\n")
    }
}
