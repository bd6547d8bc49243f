/// The CSV rendering of a `CostTable`: a header, one row per layer with plain integers, and a
/// final `total` row; shapes are written "1x3x224x224" so no cell needs quoting.
struct CSVTable {
    let table: CostTable

    init(_ table: CostTable) { self.table = table }

    var rendered: String {
        func shape(_ shape: Shape) -> String { shape.dimensions.map(String.init).joined(separator: "x") }
        func line(_ path: String, _ depth: Int, _ cost: LayerCost) -> String {
            ([
                path, cost.kind, "\(depth)", "\(cost.applications)", shape(cost.input), shape(cost.output),
                "\(cost.parameters)", "\(cost.macs)", "\(cost.flops)", "\(cost.weightBytes)", "\(cost.activationBytes)",
            ]
                + (table.precisionCost(of: cost).map {
                    [$0.precision, "\($0.int8MACs)", "\($0.float32MACs)", "\($0.weightBytes)"]
                } ?? [])
                + (table.microjoules(of: cost).map { ["\($0.arithmetic)", "\($0.memory)"] } ?? [])).joined(
                    separator: ",")
        }
        let header =
            "name,kind,depth,applications,input,output,parameters,macs,flops,weight_bytes,activation_bytes"
            + (table.precisionSteps != nil ? ",precision,int8_macs,float32_macs,stored_weight_bytes" : "")
            + (table.energy != nil ? ",arithmetic_uj,memory_uj" : "")
        let rows = table.rows.map { line($0.path, $0.depth, $0.cost) }
        return ([header] + rows + [line("total", 0, table.total)]).joined(separator: "\n")
    }
}
