/// The terminal rendering of a `CostTable`: torchinfo's layout, with tree lines, exact
/// integers with separators, "--" for not applicable, "×n" for shared blocks, and a totals block
/// that ends with the backward pass's MACs and FLOPs.
struct TextTable {
    let table: CostTable

    init(_ table: CostTable) { self.table = table }

    var rendered: String {
        let energy = table.energy != nil
        let headers =
            ["Layer (path: kind)", "Output shape", "Params", "MACs", "FLOPs", "MACs %"]
            + (table.precisionSteps != nil ? ["Precision", "Stored bytes"] : [])
            + (energy ? ["Arith µJ", "Memory µJ"] : [])
        var lastAtDepth: [Int: Bool] = [:]
        let cells: [[String]] = table.rows.map { row in
            lastAtDepth[row.depth] = row.isLastChild
            let indent = (1..<row.depth).map { lastAtDepth[$0] == true ? "  " : "│ " }.joined()
            let branch = row.isLastChild ? "└─" : "├─"
            return [
                indent + branch + "\(row.name): " + CostTable.kindLabel(row.cost),
                row.cost.output.description,
                row.cost.parameters == 0 ? "--" : CostNumber.grouped(row.cost.parameters),
                CostNumber.grouped(row.cost.macs),
                CostNumber.grouped(row.cost.flops),
                CostNumber.percent(table.macShare(of: row.cost)),
            ]
                + (table.precisionCost(of: row.cost).map {
                    [$0.precision, $0.weightBytes == 0 ? "--" : CostNumber.grouped($0.weightBytes)]
                } ?? [])
                + (table.microjoules(of: row.cost).map {
                    [CostNumber.microjoules($0.arithmetic), CostNumber.microjoules($0.memory)]
                } ?? [])
        }
        let widths = headers.indices.map { column in
            ([headers[column]] + cells.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column < 2 ? cell + padding : padding + cell
            }.joined(separator: "   ")
        }
        let width = widths.reduce(0, +) + 3 * (widths.count - 1)
        let rule = String(repeating: "=", count: width)
        let total = table.total
        let totals =
            [
                "Model: \(table.model)   Input: \(table.input)   Output: \(total.output)",
                "Total params: \(CostNumber.grouped(total.parameters)) (\(CostNumber.grouped(total.weightBytes)) weight bytes)"
                    + "   Total MACs: \(CostNumber.grouped(total.macs))   Total FLOPs: \(CostNumber.grouped(total.flops))",
                "Activation bytes written: \(CostNumber.grouped(total.activationBytes))",
                "Backward MACs: \(CostNumber.grouped(total.backwardMACs))   Backward FLOPs: \(CostNumber.grouped(total.backwardFLOPs))"
                    + "   (a training step is forward + backward)",
            ] + (table.precisionSummary.map { [$0] } ?? []) + (table.energySummary.map { [$0] } ?? [])
        return ([rule, line(headers), rule] + cells.map(line) + [rule] + totals + [rule]).joined(separator: "\n")
    }
}
