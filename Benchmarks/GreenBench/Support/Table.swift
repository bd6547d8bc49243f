/// A rectangular report: a header row and rows of cells, rendered as an aligned text
/// table, Markdown or CSV. Numeric columns are right-aligned in text.
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

    private func text() -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        let numeric = headers.indices.map { column in
            !rows.isEmpty
                && rows.allSatisfy {
                    $0[column] == "--" || Double($0[column].filter { $0 != "," && $0 != "%" && $0 != "x" }) != nil
                }
        }
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
