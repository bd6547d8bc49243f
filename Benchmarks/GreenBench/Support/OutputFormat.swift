/// How a command renders its report.
enum OutputFormat: String, CaseIterable {
    /// An aligned table for the terminal.
    case text
    /// A GitHub-flavoured Markdown table.
    case markdown
    /// Comma-separated values with a header row.
    case csv
    /// A JSON document.
    case json
}
