import Foundation
import GreenModels

/// greenbench models [--format text|markdown|csv|json]
///
/// Lists every model with its baseline, input shape, parameters and MACs per image.
struct ModelsCommand: Command {
    static let name = "models"
    static let summary = "list every model with its input shape, params and MACs"
    static let usage = """
        usage: greenbench models [--format text|markdown|csv|json]
        """

    static func run(_ arguments: [String]) throws {
        let options = try Arguments(arguments, valueOptions: ["format"])
        guard options.positionals.isEmpty else { throw UsageError("takes no model names") }
        let format: OutputFormat = try options.choice("format", default: .text)
        var rows: [[String: Any]] = []
        var table = Table(headers: ["model", "baseline", "input", "params", "MACs", "FLOPs"], rows: [])
        for entry in ModelZoo.entries {
            let cost = try ModelZoo.model(named: entry.name).cost(for: entry.input(batch: 1))
            let image = entry.imageShape.dimensions.map(String.init).joined(separator: "x")
            table.rows.append([
                entry.name, entry.baseline ?? "--", image, Format.grouped(cost.parameters), Format.grouped(cost.macs),
                Format.grouped(cost.flops),
            ])
            rows.append([
                "model": entry.name, "baseline": entry.baseline ?? NSNull(), "input": entry.imageShape.dimensions,
                "parameters": cost.parameters, "macs": cost.macs, "flops": cost.flops, "weightBytes": cost.weightBytes,
            ])
        }
        print(format == .json ? try JSON.string(rows) : table.rendered(as: format))
    }
}
