import Foundation

/// The JSON rendering of a `CostTable`:
/// `{"model", "input": [N, C, H, W], "total": {"parameters", "macs", "flops", "backwardMACs",
/// "backwardFLOPs", "weightBytes", "activationBytes"}, "layers": [{"name", "kind", "output",
/// "parameters", "macs", "flops", "backwardMACs", "backwardFLOPs", "weightBytes", "applications",
/// "children": […]}]}`, nested down to the table's depth; with an energy model, every layer and
/// the total also carry "arithmeticMicrojoules" and "memoryMicrojoules", and the document
/// "precision"; in a quantized model's table every layer and the total carry their own
/// "precision", "int8MACs", "float32MACs" and "storedWeightBytes".
struct JSONTable {
    let table: CostTable

    init(_ table: CostTable) { self.table = table }

    var rendered: String {
        func layer(_ cost: LayerCost, level: Int) -> [String: Any] {
            let expand = table.depth.map { level < $0 } ?? true
            return withEnergy(
                of: cost,
                [
                    "name": cost.name, "kind": cost.kind, "output": cost.output.dimensions,
                    "parameters": cost.parameters,
                    "macs": cost.macs, "flops": cost.flops, "backwardMACs": cost.backwardMACs,
                    "backwardFLOPs": cost.backwardFLOPs, "weightBytes": cost.weightBytes,
                    "applications": cost.applications,
                    "children": expand ? cost.children.map { layer($0, level: level + 1) } : [],
                ])
        }
        func withEnergy(of cost: LayerCost, _ fields: [String: Any]) -> [String: Any] {
            var fields = fields
            if let precision = table.precisionCost(of: cost) {
                fields.merge(
                    [
                        "precision": precision.precision, "int8MACs": precision.int8MACs,
                        "float32MACs": precision.float32MACs, "storedWeightBytes": precision.weightBytes,
                    ]) { $1 }
            }
            guard let (arithmetic, memory) = table.microjoules(of: cost) else { return fields }
            return fields.merging(["arithmeticMicrojoules": arithmetic, "memoryMicrojoules": memory]) { $1 }
        }
        let total = table.total
        var object: [String: Any] = [
            "model": table.model,
            "input": table.input.dimensions,
            "output": total.output.dimensions,
            "total": withEnergy(
                of: total,
                [
                    "parameters": total.parameters, "macs": total.macs, "flops": total.flops,
                    "backwardMACs": total.backwardMACs, "backwardFLOPs": total.backwardFLOPs,
                    "weightBytes": total.weightBytes, "activationBytes": total.activationBytes,
                ]),
            "layers": total.children.isEmpty ? [layer(total, level: 1)] : total.children.map { layer($0, level: 1) },
        ]
        if table.energy != nil { object["precision"] = table.precision.rawValue }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
