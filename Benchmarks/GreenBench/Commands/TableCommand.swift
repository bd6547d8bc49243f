import GreenModels

/// greenbench table MODEL [--batch N] [--input CxHxW] [--depth D] [--energy float32|int8] [--format text|markdown|csv|json]
///
/// Prints a model's per-layer cost table (parameters, MACs, FLOPs, output shapes) without
/// running anything; `--energy` adds each layer's modelled arithmetic and memory energy at that
/// precision (`EnergyModel`, Horowitz's 45 nm figures). MODEL may be an ONNX file (FILE.onnx),
/// imported with its blocks recognised.
struct TableCommand: Command {
    static let name = "table"
    static let summary = "print a model's per-layer cost table (nothing is run)"
    static let usage = """
        usage: greenbench table MODEL [--batch N] [--input CxHxW] [--depth D] [--energy float32|int8]
                                [--format text|markdown|csv|json]

          MODEL         a model name (greenbench models lists them) or an ONNX file, FILE.onnx
          --batch N     batch size (default 1)
          --input CxHxW image shape (default: the model's own)
          --depth D     deepest level of nested blocks to show (default: all)
          --energy P    add modelled energy columns (arithmetic and memory, µJ) at precision P, float32 or int8:
                        Horowitz's 45 nm pJ per operation and per byte (Docs/CostModel.md)
          --format F    text (default), markdown, csv or json
        """

    static func run(_ arguments: [String]) throws {
        let options = try Arguments(arguments, valueOptions: ["batch", "input", "depth", "format", "energy"])
        guard options.positionals.count == 1 else {
            throw UsageError("expects exactly one model name, got \(options.positionals.count) (see greenbench models)")
        }
        let entry = try ModelOptions.entry(options.positionals[0])
        let batch = try options.integer("batch", default: 1, in: 1...1_000_000)
        let depth = options.value("depth") == nil ? nil : try options.integer("depth", default: 1, in: 1...64)
        let format: CostTableFormat = try options.choice("format", default: .text)
        let precision: NumericPrecision? =
            options.value("energy") == nil ? nil : try options.choice("energy", default: .float32)
        let input = try ModelOptions.input(for: entry, batch: batch, override: options.value("input"))
        let model = try entry.model()
        let table: CostTable
        do {
            table = try CostTable(
                model, input: input, name: entry.name, depth: depth, energy: precision.map { _ in .horowitz45nm },
                precision: precision ?? .float32)
        } catch let error as LayerError {
            // A shape the model cannot take, or one whose MACs, FLOPs or byte counts overflow Int.
            throw UsageError("\(entry.name) cannot take input \(input): \(error)")
        } catch let error as TensorError {
            throw UsageError("\(entry.name) cannot take input \(input): \(error)")
        }
        print(table.rendered(as: format))
    }
}
