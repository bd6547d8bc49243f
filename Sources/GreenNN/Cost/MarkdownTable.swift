/// The Markdown rendering of a `CostTable`: one row per layer (paths show the nesting),
/// then a bold totals row.
struct MarkdownTable {
    let table: CostTable

    init(_ table: CostTable) { self.table = table }

    var rendered: String {
        let energy = table.energy != nil
        let precisions = table.precisionSteps != nil
        var lines = [
            "| Layer | Kind | Output shape | Params | MACs | FLOPs | MACs % |"
                + (precisions ? " Precision | Stored bytes |" : "") + (energy ? " Arith µJ | Memory µJ |" : ""),
            "|---|---|---|---:|---:|---:|---:|" + (precisions ? "---|---:|" : "") + (energy ? "---:|---:|" : ""),
        ]
        func precisionCells(_ cost: LayerCost, bold: Bool = false) -> String {
            guard let precision = table.precisionCost(of: cost) else { return "" }
            let mark = bold ? "**" : ""
            return " \(precision.precision) | \(mark)\(CostNumber.grouped(precision.weightBytes))\(mark) |"
        }
        func energyCells(_ cost: LayerCost, bold: Bool = false) -> String {
            guard let (arithmetic, memory) = table.microjoules(of: cost) else { return "" }
            let mark = bold ? "**" : ""
            return
                " \(mark)\(CostNumber.microjoules(arithmetic))\(mark) | \(mark)\(CostNumber.microjoules(memory))\(mark) |"
        }
        for row in table.rows {
            lines.append(
                "| `\(row.path)` | \(CostTable.kindLabel(row.cost)) | \(row.cost.output) | "
                    + "\(row.cost.parameters == 0 ? "--" : CostNumber.grouped(row.cost.parameters)) | "
                    + "\(CostNumber.grouped(row.cost.macs)) | \(CostNumber.grouped(row.cost.flops)) | "
                    + "\(CostNumber.percent(table.macShare(of: row.cost))) |" + precisionCells(row.cost)
                    + energyCells(row.cost))
        }
        let total = table.total
        lines.append(
            "| **Total** (\(table.model), input \(table.input)) | | \(total.output) | "
                + "**\(CostNumber.grouped(total.parameters))** | **\(CostNumber.grouped(total.macs))** | "
                + "**\(CostNumber.grouped(total.flops))** | 100.00% |" + precisionCells(total, bold: true)
                + energyCells(total, bold: true))
        return lines.joined(separator: "\n")
    }
}
