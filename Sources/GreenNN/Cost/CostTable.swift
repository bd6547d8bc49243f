/// A model's per-layer cost on one input shape, nested like the model, ready to render as a
/// terminal table (torchinfo's layout), Markdown, CSV or JSON.
///
/// ```swift
/// let table = try CostTable(model, input: [1, 3, 224, 224], name: "vgg16", depth: 2)
/// print(table.rendered(as: .text))
/// ```
public struct CostTable: Sendable {
    /// One rendered row: a layer at some depth of the tree.
    public struct Row: Sendable, Equatable {
        /// Dotted path ("features.3.depthwise").
        public let path: String
        /// Depth in the tree (1 for the model's direct children).
        public let depth: Int
        /// Whether this row is the last child of its parent (for tree drawing).
        public let isLastChild: Bool
        /// The layer's cost (children included in its numbers).
        public let cost: LayerCost

        /// The last path component: the name in its parent.
        public var name: String { path.split(separator: ".").last.map(String.init) ?? path }
    }

    /// A display name for the model.
    public let model: String
    /// The input shape, batch included.
    public let input: Shape
    /// The whole model's cost (the totals).
    public let total: LayerCost
    /// The rows down to `depth`, in execution order.
    public let rows: [Row]
    /// Deepest level shown (nil: all).
    public let depth: Int?
    /// The energy model of the modelled-energy columns, or nil for none.
    public let energy: EnergyModel?
    /// The precision the energy columns assume (of a quantized model's table: int8, each row
    /// then at its own precision, `precisionCost(of:)`).
    public let precision: NumericPrecision
    /// A quantized model's int8 plan, step by step; nil for a float model's table.
    let precisionSteps: [PrecisionStep]?

    /// Costs `layer` on `input` and lays out its rows down to `depth` (1 = direct children only;
    /// nil = every level); with `energy`, every row also gets its modelled arithmetic and memory
    /// energy at `precision` (`EnergyModel`).
    /// - Throws: `LayerError` when the model cannot take `input`, or when `depth < 1`.
    public init(
        _ layer: any Layer, input: Shape, name: String? = nil, depth: Int? = nil, energy: EnergyModel? = nil,
        precision: NumericPrecision = .float32
    ) throws {
        try self.init(layer, input: input, name: name, depth: depth, energy: energy, precision: precision, steps: nil)
    }

    /// The table of `quantized`'s model on `input`, each row also with its precision, its MACs
    /// on int8 codes and in float32, and its weight bytes as the int8 plan stores them (codes,
    /// scales, biases; float32 for layers the plan runs as opaque float steps); with `energy`,
    /// each row's modelled energy at its own precision (`precisionCost(of:)`).
    /// - Throws: `LayerError` when the model cannot take `input`, when `depth < 1`, or when the
    ///   model changed shape since calibration.
    public init(
        quantized: QuantizedModel, input: Shape, name: String? = nil, depth: Int? = nil, energy: EnergyModel? = nil
    ) throws {
        let plan = try quantized.inferencePlan(for: input)
        try self.init(
            quantized.model, input: input, name: name, depth: depth, energy: energy, precision: .int8,
            steps: plan.precisionSteps)
    }

    private init(
        _ layer: any Layer, input: Shape, name: String?, depth: Int?, energy: EnergyModel?, precision: NumericPrecision,
        steps: [PrecisionStep]?
    ) throws {
        self.precisionSteps = steps
        if let depth, depth < 1 {
            throw LayerError.invalidConfiguration("CostTable", "depth must be >= 1, got \(depth)")
        }
        self.model = name ?? layer.kind
        self.input = input
        self.depth = depth
        self.energy = energy
        self.precision = precision
        self.total = try layer.cost(for: input)
        var rows: [Row] = []
        func visit(_ cost: LayerCost, level: Int) {
            for (index, child) in cost.children.enumerated() {
                rows.append(
                    Row(path: child.name, depth: level, isLastChild: index == cost.children.count - 1, cost: child))
                if depth.map({ level < $0 }) ?? true { visit(child, level: level + 1) }
            }
        }
        visit(total, level: 1)
        if rows.isEmpty {
            rows.append(Row(path: total.kind, depth: 1, isLastChild: true, cost: total))
        }
        self.rows = rows
    }

    /// The table in `format`.
    public func rendered(as format: CostTableFormat) -> String {
        switch format {
        case .text: TextTable(self).rendered
        case .markdown: MarkdownTable(self).rendered
        case .csv: CSVTable(self).rendered
        case .json: JSONTable(self).rendered
        }
    }

    /// The row's share of the model's MACs, in percent (0 when the model has none).
    func macShare(of cost: LayerCost) -> Double {
        total.macs == 0 ? 0 : 100 * Double(cost.macs) / Double(total.macs)
    }

    /// The layer's precision, MACs by precision and stored weight bytes in a quantized model's
    /// table; nil in a float model's (every layer at `precision`).
    public func precisionCost(of cost: LayerCost) -> LayerPrecisionCost? {
        precisionSteps.map { PrecisionStep.cost(of: cost.name, in: $0) }
    }

    /// The modelled energy of `cost`'s layer, in microjoules (arithmetic, memory), when the table
    /// has an energy model: at the table's precision, or in a quantized model's table at the
    /// row's own (`EnergyModel.estimate(_:precision:)`).
    func microjoules(of cost: LayerCost) -> (arithmetic: Double, memory: Double)? {
        guard let energy else { return nil }
        let estimate =
            precisionCost(of: cost).map { energy.estimate(cost, precision: $0) }
            ?? energy.estimate(cost, precision: precision)
        return (estimate.arithmeticPicojoules * 1e-6, estimate.memoryPicojoules * 1e-6)
    }

    /// "Modelled energy (float32, EnergyModel): …" for the totals, when the table has an energy model.
    var energySummary: String? {
        microjoules(of: total).map {
            "Modelled energy per pass (\(precision.rawValue), pJ per operation and byte from EnergyModel): "
                + "arithmetic \(CostNumber.microjoules($0.arithmetic)) µJ + memory \(CostNumber.microjoules($0.memory)) µJ"
                + " = \(CostNumber.microjoules($0.arithmetic + $0.memory)) µJ"
        }
    }

    /// "Int8 plan: 431,080 MACs on int8 codes, 0 in float32; 61,870 bytes of weights stored" for
    /// a quantized model's table.
    var precisionSummary: String? {
        precisionCost(of: total).map {
            "Int8 plan: \(CostNumber.grouped($0.int8MACs)) MACs on int8 codes, "
                + "\(CostNumber.grouped($0.float32MACs)) in float32; "
                + "\(CostNumber.grouped($0.weightBytes)) bytes of weights stored"
        }
    }

    /// "SharedBlock ×3" for a repeated block, else the kind.
    public static func kindLabel(_ cost: LayerCost) -> String {
        cost.applications > 1 ? "\(cost.kind) ×\(cost.applications)" : cost.kind
    }
}

/// The formats a `CostTable` renders to.
public enum CostTableFormat: String, Sendable, CaseIterable {
    /// An aligned terminal table with tree lines, like torchinfo's summary.
    case text
    /// A GitHub-flavoured Markdown table.
    case markdown
    /// Comma-separated values, one row per layer plus a total row.
    case csv
    /// `{"model", "input", "total", "layers": [{…, "children": […]}]}`.
    case json
}

/// Number formatting shared by the cost renderers (and by greenbench's reports).
public enum CostNumber {
    /// `15470264320` → "15,470,264,320".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// Microjoules with three decimals below 1,000 ("0.042", "123.456"), grouped whole ones above ("12,345").
    public static func microjoules(_ value: Double) -> String {
        guard value.isFinite else { return "--" }
        if value >= 1000 { return grouped(Int(value.rounded())) }
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A percentage with two decimals: "5.88%".
    public static func percent(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}
