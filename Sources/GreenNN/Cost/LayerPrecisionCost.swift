/// What one layer of a quantized model computes at which precision, as its int8 plan runs it:
/// its multiply-accumulates on int8 codes and on float32 (layers the plan runs as opaque float
/// steps), and the bytes of its weights as stored (int8 codes, their scales and biases; float32
/// for opaque layers; nothing for a BatchNorm folded into its conv). A cost table of a quantized
/// model (`CostTable(quantized:input:)`) gives one per row.
public struct LayerPrecisionCost: Sendable, Equatable {
    /// MACs on int8 codes (int32 accumulation).
    public var int8MACs = 0
    /// MACs in float32.
    public var float32MACs = 0
    /// Bytes of weights as the plan stores them.
    public var weightBytes = 0
    /// Whether some of it runs on int8 codes (convs, linears, pools, elementwise passes).
    public var runsInt8 = false
    /// Whether some of it runs in float32 (opaque layers, between a dequantize and a quantize).
    public var runsFloat32 = false

    /// "int8", "float32", "mixed" where the layer holds both, or "--" where it runs no step of
    /// its own (a BatchNorm or activation folded into the conv before it).
    public var precision: String {
        switch (runsInt8, runsFloat32) {
        case (true, true): "mixed"
        case (true, false): "int8"
        case (false, true): "float32"
        case (false, false): "--"
        }
    }

    /// The share of its MACs on int8 codes; without MACs, 0 where it runs only in float32, else 1.
    var int8Share: Double {
        guard int8MACs + float32MACs > 0 else { return runsFloat32 && !runsInt8 ? 0 : 1 }
        return Double(int8MACs) / Double(int8MACs + float32MACs)
    }
}

/// One step of a quantized model's int8 plan, as the cost table adds it up by layer path.
struct PrecisionStep: Sendable {
    /// The dotted path of the layer it computes.
    let path: String
    /// Its kernel (a shared block's steps repeat at one path and kernel with one set of weights).
    let kernel: String
    /// Whether it runs on int8 codes (else float32: an opaque layer).
    let isInt8: Bool
    /// Its MACs.
    let macs: Int
    /// Bytes of the weights it stores.
    let weightBytes: Int

    /// Whether it computes the layer at `path` or one inside it ("" is the whole model).
    func lies(under path: String) -> Bool {
        path.isEmpty || self.path == path || self.path.hasPrefix(path + ".")
    }

    /// The precision cost of the layer at `path`: the sums over `steps` inside it, each set of
    /// weights counted once.
    static func cost(of path: String, in steps: [PrecisionStep]) -> LayerPrecisionCost {
        var cost = LayerPrecisionCost()
        var counted = Set<String>()
        for step in steps where step.lies(under: path) {
            if step.isInt8 {
                (cost.int8MACs, cost.runsInt8) = (cost.int8MACs + step.macs, true)
            } else {
                (cost.float32MACs, cost.runsFloat32) = (cost.float32MACs + step.macs, true)
            }
            if counted.insert(step.path + "|" + step.kernel).inserted { cost.weightBytes += step.weightBytes }
        }
        return cost
    }
}
