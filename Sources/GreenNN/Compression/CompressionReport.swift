import Foundation

/// What a model-wide low-rank compression did: one row per eligible layer (every `Linear` and
/// every ungrouped 1x1 `Conv2d`), and the model's cost before and after.
///
/// `print(report)` gives a table:
///
///     layer          kind    rank      params before → after     MACs before → after   rel. error  outcome
///     7              Linear  24/120    48,120 → 12,600           48,000 → 12,480       0.4187      replaced
public struct CompressionReport: Sendable, CustomStringConvertible {
    /// One layer considered.
    public struct Row: Sendable {
        /// The layer's dotted path ("classifier.0").
        public let path: String
        /// "Linear" or "Conv2d".
        public let kind: String
        /// The rank chosen (nil when none was computed: shared or unswappable layers).
        public let rank: Int?
        /// `min(out, in)`.
        public let fullRank: Int
        /// Parameters of the original layer.
        public let parametersBefore: Int
        /// Parameters of the factorised layer (the original's when kept).
        public let parametersAfter: Int
        /// MACs of the original layer on the report's input.
        public let macsBefore: Int
        /// MACs of the factorised layer (the original's when kept).
        public let macsAfter: Int
        /// `‖W − W_r‖_F / ‖W‖_F` (nil when no rank was computed).
        public let relativeError: Double?
        /// Whether the layer was replaced by its factorisation.
        public let replaced: Bool
        /// Why a layer was kept ("rank 10 of 10 saves no parameters"); empty when replaced.
        public let reason: String
    }

    /// The rank selection asked for.
    public let selection: RankSelection
    /// The input shape the MACs are counted on.
    public let input: Shape
    /// One row per eligible layer, in model order.
    public let rows: [Row]
    /// The whole model's cost before compression.
    public let before: LayerCost
    /// The whole model's cost after compression.
    public let after: LayerCost

    /// The rows of layers that were replaced.
    public var replaced: [Row] { rows.filter(\.replaced) }

    /// The per-layer table and the model's totals before and after.
    public var description: String {
        let headers = [
            "layer", "kind", "rank", "params before → after", "MACs before → after", "rel. error", "outcome",
        ]
        let cells = rows.map { row in
            [
                row.path, row.kind, row.rank.map { "\($0)/\(row.fullRank)" } ?? "--",
                CostNumber.grouped(row.parametersBefore) + " → " + CostNumber.grouped(row.parametersAfter),
                CostNumber.grouped(row.macsBefore) + " → " + CostNumber.grouped(row.macsAfter),
                row.relativeError.map { String(format: "%.4f", $0) } ?? "--",
                row.replaced ? "replaced" : "kept: " + row.reason,
            ]
        }
        let widths = headers.indices.map { column in
            ([headers[column]] + cells.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let totals =
            "Low-rank compression (\(selection)) on input \(input): \(replaced.count) of \(rows.count) layers replaced; "
            + "params \(CostNumber.grouped(before.parameters)) → \(CostNumber.grouped(after.parameters)) "
            + "(\(CostNumber.percent(100 * Self.ratio(after.parameters, before.parameters)))), "
            + "MACs \(CostNumber.grouped(before.macs)) → \(CostNumber.grouped(after.macs)) "
            + "(\(CostNumber.percent(100 * Self.ratio(after.macs, before.macs))))"
        return ([line(headers)] + cells.map(line) + [totals]).joined(separator: "\n")
    }

    /// `part / whole`, 0 for an empty whole.
    private static func ratio(_ part: Int, _ whole: Int) -> Double {
        whole == 0 ? 0 : Double(part) / Double(whole)
    }
}
