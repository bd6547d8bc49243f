import Foundation
import Testing

@testable import GreenNN

/// A small model touching every row kind: plain layers, a composite block (nested rows),
/// a shared block ("×2") and a classifier; 1x8x8 input.
func makeSmallModel(seed: UInt64 = 171) throws -> Sequential {
    var random = generator(seed)
    return try Sequential {
        try Conv2d(1, 4, kernelSize: 3, padding: 1, using: &random)
        ReLU()
        try MaxPool2d(kernelSize: 2)
        try DepthwiseSeparableConv2d(4, 8, batchNorm: true, activation: .relu, using: &random)
        try SharedBlock(Conv2d(8, 8, kernelSize: 3, padding: 1, using: &random), repetitions: 2)
        GlobalAvgPool2d()
        Flatten()
        try Linear(8, 3, using: &random)
    }
}

/// `CostTable` and its renderers: totals equal the sums of the depth-1 rows in every
/// format, formats parse, depth limits nesting, and the text table matches a golden file.
@Suite struct CostTableTests {
    static let input: Shape = [1, 1, 8, 8]

    static func table(depth: Int? = nil) throws -> CostTable {
        try CostTable(makeSmallModel(), input: input, name: "small", depth: depth)
    }

    /// "1,234" or "--" as an integer.
    static func integer(_ cell: String) -> Int? {
        cell == "--" ? 0 : Int(cell.replacingOccurrences(of: ",", with: ""))
    }

    @Test func rowsFollowTheModelTree() throws {
        let table = try Self.table()
        #expect(table.rows.filter { $0.depth == 1 }.map(\.path) == ["0", "1", "2", "3", "4", "5", "6", "7"])
        #expect(table.rows.map(\.path).contains("3.pointwiseNorm") && table.rows.map(\.path).contains("4.block"))
        #expect(table.rows.first { $0.path == "3.pointwiseActivation" }?.depth == 2)
        #expect(table.rows.first { $0.path == "3.pointwiseActivation" }?.isLastChild == true)
        #expect(table.rows.first { $0.path == "3.depthwise" }?.name == "depthwise")
        #expect(table.total.parameters == 4 * 9 + 4 + (4 * 9 + 4 * 8 + 2 * 12) + (8 * 8 * 9 + 8) + (8 * 3 + 3))
        CostChecks.expectCompositeRowsSumTheirChildren(table.total)
    }

    @Test func depthLimitsTheNesting() throws {
        let shallow = try Self.table(depth: 1)
        #expect(shallow.rows.count == 8 && shallow.rows.allSatisfy { $0.depth == 1 })
        let text = shallow.rendered(as: .text)
        #expect(!text.contains("│ ") && !text.contains("depthwise"), "depth 1 has no nested rows")
        let two = try Self.table(depth: 2)
        #expect(two.rows.map(\.depth).max() == 2 && two.rows.count == 8 + 6 + 1)
        #expect(try Self.table().rows.count == two.rows.count, "the model is two levels deep")
        #expect(shallow.total == two.total)
        expectLayerError(["CostTable", "depth must be >= 1, got 0"]) { _ = try Self.table(depth: 0) }
    }

    @Test func aSingleLayerIsOneRow() throws {
        let table = try CostTable(Conv2d(1, 4, kernelSize: 3), input: [1, 1, 7, 9])
        #expect(table.model == "Conv2d" && table.rows.count == 1 && table.rows[0].cost == table.total)
    }

    @Test(arguments: [nil, 1, 2] as [Int?])
    func textColumnsSumToTheTotals(_ depth: Int?) throws {
        let table = try Self.table(depth: depth)
        let lines = table.rendered(as: .text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let rules = lines.indices.filter { lines[$0].hasPrefix("===") }
        #expect(rules.count == 4)
        let header = lines[rules[0] + 1]
        #expect(header.hasPrefix("Layer (path: kind)") && header.hasSuffix("MACs %"))
        let rowLines = Array(lines[(rules[1] + 1)..<rules[2]])
        #expect(rowLines.count == table.rows.count)
        // Depth-1 rows start with the branch glyph; nested ones with an indent.
        let top = rowLines.filter { $0.hasPrefix("├─") || $0.hasPrefix("└─") }
        #expect(top.count == 8 && top.last!.hasPrefix("└─7: Linear"))
        var sums = (parameters: 0, macs: 0, flops: 0, percent: 0.0)
        for line in top {
            let cells = line.split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            try #require(cells.count == 6, "\(cells)")
            sums.parameters += try #require(Self.integer(cells[2]), "\(cells[2])")
            sums.macs += try #require(Self.integer(cells[3]), "\(cells[3])")
            sums.flops += try #require(Self.integer(cells[4]), "\(cells[4])")
            sums.percent += try #require(Double(cells[5].dropLast()), "\(cells[5])")
        }
        #expect(abs(sums.percent - 100) < 0.05)
        let totals = lines[rules[2] + 2]
        let total = table.total
        #expect(sums.parameters == total.parameters && sums.macs == total.macs && sums.flops == total.flops)
        #expect(
            totals == "Total params: \(grouped(total.parameters)) (\(grouped(total.weightBytes)) weight bytes)"
                + "   Total MACs: \(grouped(total.macs))   Total FLOPs: \(grouped(total.flops))")
        #expect(lines[rules[2] + 1] == "Model: small   Input: [1, 1, 8, 8]   Output: [1, 3]")
        #expect(rowLines.contains { $0.hasPrefix("├─4: SharedBlock ×2") })
        #expect(rowLines.contains { $0.hasPrefix("├─1: ReLU") && $0.contains(" -- ") }, "no parameters reads --")
    }

    @Test func treeLinesCloseUnderTheLastChild() throws {
        var random = generator(172)
        let model = try Sequential {
            ReLU(); try DepthwiseSeparableConv2d(4, 8, using: &random)
        }
        let text = try CostTable(model, input: [1, 4, 7, 9]).rendered(as: .text)
        let rows = text.split(separator: "\n").map(String.init).filter { $0.contains("─") }
        #expect(
            rows.map { String($0.prefix(while: { $0 != ":" })) } == ["├─0", "└─1", "  ├─depthwise", "  └─pointwise"],
            "\(rows)")
    }

    @Test func csvParsesAndItsTotalRowIsTheSum() throws {
        let table = try Self.table()
        let lines = table.rendered(as: .csv).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = try #require(lines.first)
        #expect(
            header == [
                "name", "kind", "depth", "applications", "input", "output", "parameters", "macs", "flops",
                "weight_bytes", "activation_bytes",
            ])
        #expect(lines.count == table.rows.count + 2)
        for line in lines { #expect(line.count == header.count, "\(line)") }
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        let body = lines.dropFirst().dropLast()
        let top = body.filter { $0[column("depth")] == "1" }
        #expect(top.count == 8)
        let total = try #require(lines.last)
        #expect(total[0] == "total" && total[column("input")] == "1x1x8x8" && total[column("output")] == "1x3")
        for name in ["parameters", "macs", "flops", "weight_bytes", "activation_bytes"] {
            let sum = top.reduce(0) { $0 + Int($1[column(name)])! }
            #expect(Int(total[column(name)]) == sum, "\(name)")
        }
        #expect(top.first { $0[0] == "4" }?[column("applications")] == "2")
    }

    @Test func jsonParsesWithTheDocumentedKeys() throws {
        let table = try Self.table()
        let data = Data(table.rendered(as: .json).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["model"] as? String == "small")
        #expect(object["input"] as? [Int] == [1, 1, 8, 8])
        let total = try #require(object["total"] as? [String: Any])
        #expect(total["parameters"] as? Int == table.total.parameters)
        #expect(total["macs"] as? Int == table.total.macs)
        #expect(total["flops"] as? Int == table.total.flops)
        #expect(total["weightBytes"] as? Int == table.total.weightBytes)
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.count == 8)
        func check(_ layer: [String: Any]) {
            for key in ["name", "kind", "output", "parameters", "macs", "flops", "children"] {
                #expect(layer[key] != nil, "layer \(layer["name"] ?? "?") lacks \(key)")
            }
            for child in layer["children"] as? [[String: Any]] ?? [] { check(child) }
        }
        layers.forEach(check)
        #expect(layers.reduce(0) { $0 + ($1["macs"] as? Int ?? 0) } == table.total.macs)
        #expect(layers.reduce(0) { $0 + ($1["parameters"] as? Int ?? 0) } == table.total.parameters)
        let block = try #require(layers.first { $0["name"] as? String == "3" })
        #expect(block["kind"] as? String == "DepthwiseSeparableConv2d" && block["output"] as? [Int] == [1, 8, 4, 4])
        #expect(
            (block["children"] as? [[String: Any]])?.map { $0["name"] as? String } == [
                "3.depthwise", "3.depthwiseNorm", "3.depthwiseActivation", "3.pointwise", "3.pointwiseNorm",
                "3.pointwiseActivation",
            ])
        let shallow = try #require(
            try JSONSerialization.jsonObject(with: Data(Self.table(depth: 1).rendered(as: .json).utf8))
                as? [String: Any])
        let shallowLayers = try #require(shallow["layers"] as? [[String: Any]])
        #expect(
            shallowLayers.allSatisfy { ($0["children"] as? [Any])?.isEmpty == true }, "depth 1 has no nested layers")
    }

    @Test func markdownHasOneLinePerRowAndABoldTotal() throws {
        let table = try Self.table()
        let lines = table.rendered(as: .markdown).split(separator: "\n").map(String.init)
        #expect(lines.count == table.rows.count + 3)
        #expect(lines[0] == "| Layer | Kind | Output shape | Params | MACs | FLOPs | MACs % |")
        #expect(lines.last!.contains("**\(grouped(table.total.macs))**") && lines.last!.hasPrefix("| **Total** (small"))
    }

    /// The text table of the small model, byte for byte. Regenerate with
    /// `GREENNN_UPDATE_GOLDEN=1 swift test --filter CostTableTests`.
    @Test func textTableMatchesGoldenFile() throws {
        let rendered = try Self.table().rendered(as: .text) + "\n"
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden").appendingPathComponent("small-model.txt")
        if ProcessInfo.processInfo.environment["GREENNN_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let golden = try #require(
            try? String(contentsOf: url, encoding: .utf8), "missing \(url.path); run with GREENNN_UPDATE_GOLDEN=1")
        #expect(rendered == golden, "text table differs from \(url.lastPathComponent):\n\(rendered)")
    }
}

/// `1234567` → "1,234,567", written independently of the renderers' helper.
private func grouped(_ value: Int) -> String {
    var digits = Array(String(value))
    var index = digits.count - 3
    while index > 0 {
        digits.insert(",", at: index)
        index -= 3
    }
    return String(digits)
}
