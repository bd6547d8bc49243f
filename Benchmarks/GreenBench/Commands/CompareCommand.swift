import Foundation
import GreenModels

/// greenbench compare BASELINE VARIANT... [--batch N] [--format text|markdown|csv|json]
///
/// One row per model: parameters, MACs, FLOPs and weight bytes, each also as a ratio to the
/// baseline (the first model named).
struct CompareCommand: Command {
    static let name = "compare"
    static let summary = "compare models' params, MACs, FLOPs and weight size against a baseline"
    static let usage = """
        usage: greenbench compare BASELINE VARIANT... [--batch N] [--format text|markdown|csv|json]

          BASELINE      the model every ratio is taken against
          VARIANT...    one or more models to compare (each on its own default input)
          --batch N     batch size (default 1)
          --format F    text (default), markdown, csv or json
        """

    static func run(_ arguments: [String]) throws {
        let options = try Arguments(arguments, valueOptions: ["batch", "format"])
        guard options.positionals.count >= 2 else {
            throw UsageError("expects a baseline and at least one variant (see greenbench models)")
        }
        let batch = try options.integer("batch", default: 1, in: 1...1_000_000)
        let format: OutputFormat = try options.choice("format", default: .text)
        let entries = try options.positionals.map { try ModelOptions.entry($0) }
        let costs = try entries.map { try $0.model().cost(for: $0.input(batch: batch)) }
        let base = costs[0]
        func ratio(_ value: Int, _ reference: Int) -> Double {
            reference == 0 ? .nan : Double(value) / Double(reference)
        }
        var table = Table(
            headers: ["model", "params", "x base", "MACs", "x base", "FLOPs", "x base", "weight MB", "x base"], rows: []
        )
        var json: [[String: Any]] = []
        for (entry, cost) in zip(entries, costs) {
            let ratios = [
                ratio(cost.parameters, base.parameters), ratio(cost.macs, base.macs), ratio(cost.flops, base.flops),
                ratio(cost.weightBytes, base.weightBytes),
            ]
            table.rows.append([
                entry.name, Format.grouped(cost.parameters), Format.fixed(ratios[0], 3), Format.grouped(cost.macs),
                Format.fixed(ratios[1], 3), Format.grouped(cost.flops), Format.fixed(ratios[2], 3),
                Format.fixed(Double(cost.weightBytes) / 1e6, 2), Format.fixed(ratios[3], 3),
            ])
            json.append([
                "model": entry.name, "parameters": cost.parameters, "macs": cost.macs, "flops": cost.flops,
                "weightBytes": cost.weightBytes, "parametersRatio": ratios[0], "macsRatio": ratios[1],
                "flopsRatio": ratios[2], "weightBytesRatio": ratios[3],
            ])
        }
        print(
            format == .json
                ? try JSON.string(["baseline": entries[0].name, "batch": batch, "models": json])
                : table.rendered(as: format))
    }
}
