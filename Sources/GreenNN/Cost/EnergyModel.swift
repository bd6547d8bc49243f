/// Energies per arithmetic operation and per byte moved, in picojoules: the analytic energy
/// column of cost tables, which answers "where do this network's joules go" before anything
/// runs. The defaults are Horowitz's 45 nm figures ("Computing's energy problem (and what we can
/// do about it)", ISSCC 2014): a 32-bit float multiply 3.7 pJ and add 0.9 pJ, an 8-bit integer
/// multiply 0.2 pJ and add 0.03 pJ, a 32-bit integer add 0.1 pJ, a 32-bit read from an 8 KB
/// SRAM 5 pJ (1.25 pJ a byte) and from DRAM 640 pJ (160 pJ a byte). Every constant can be
/// overridden for another process or memory.
///
/// The estimate of one layer (`estimate(_:precision:)`):
/// - arithmetic: each MAC one multiply and one add at the precision (int8 products accumulate
///   in int32), every other operation (bias, activation, pooling, BatchNorm; FLOPs minus two per
///   MAC) one add;
/// - memory: the weights read once from DRAM, each output activation written to and read once
///   from SRAM, at the precision's bytes per value (int8: a quarter of float32's; per-channel
///   scales are not counted).
///
/// ```swift
/// let table = try CostTable(model, input: [1, 3, 32, 32], energy: .horowitz45nm, precision: .int8)
/// ```
public struct EnergyModel: Sendable, Equatable {
    /// A 32-bit float multiply.
    public var float32Multiply: Double
    /// A 32-bit float add.
    public var float32Add: Double
    /// An 8-bit integer multiply.
    public var int8Multiply: Double
    /// An 8-bit integer add.
    public var int8Add: Double
    /// A 32-bit integer add (where int8 products accumulate).
    public var int32Add: Double
    /// A byte read from (or written to) on-chip SRAM.
    public var sramByte: Double
    /// A byte read from DRAM.
    public var dramByte: Double

    /// Horowitz's 45 nm energies (ISSCC 2014), the defaults.
    public static let horowitz45nm = EnergyModel()

    /// A model with the given picojoules per operation and per byte (Horowitz's 45 nm by default).
    public init(
        float32Multiply: Double = 3.7, float32Add: Double = 0.9, int8Multiply: Double = 0.2, int8Add: Double = 0.03,
        int32Add: Double = 0.1, sramByte: Double = 1.25, dramByte: Double = 160
    ) {
        (self.float32Multiply, self.float32Add, self.int8Multiply, self.int8Add) = (
            float32Multiply, float32Add, int8Multiply, int8Add
        )
        (self.int32Add, self.sramByte, self.dramByte) = (int32Add, sramByte, dramByte)
    }

    /// The modelled energy of one forward pass of the layer `cost` describes in a quantized
    /// model, at the precisions `precisions` gives: its MACs on int8 codes and in float32 each at
    /// their energies, its other operations and its activations split between the two by its
    /// share of int8 MACs, and its weights at the bytes the plan stores (codes, scales, biases).
    public func estimate(_ cost: LayerCost, precision precisions: LayerPrecisionCost) -> EnergyEstimate {
        let share = precisions.int8Share
        let otherOperations = Double(Swift.max(0, cost.flops - 2 * cost.macs))
        return EnergyEstimate(
            arithmeticPicojoules: Double(precisions.int8MACs) * (int8Multiply + int32Add)
                + Double(precisions.float32MACs) * (float32Multiply + float32Add)
                + otherOperations * (share * int32Add + (1 - share) * float32Add),
            memoryPicojoules: Double(precisions.weightBytes) * dramByte
                + 2 * Double(cost.activationBytes) * (share / 4 + (1 - share)) * sramByte)
    }

    /// The modelled energy of one forward pass of the layer `cost` describes, at `precision`.
    public func estimate(_ cost: LayerCost, precision: NumericPrecision) -> EnergyEstimate {
        let macs = Double(cost.macs)
        let otherOperations = Double(Swift.max(0, cost.flops - 2 * cost.macs))
        let bytesPerFloat32 = Double(precision.bytesPerValue) / 4
        let (multiply, accumulate, add) =
            precision == .float32 ? (float32Multiply, float32Add, float32Add) : (int8Multiply, int32Add, int32Add)
        return EnergyEstimate(
            arithmeticPicojoules: macs * (multiply + accumulate) + otherOperations * add,
            memoryPicojoules: Double(cost.weightBytes) * bytesPerFloat32 * dramByte
                + 2 * Double(cost.activationBytes) * bytesPerFloat32 * sramByte)
    }
}

/// The number format a layer computes in, for the energy model.
public enum NumericPrecision: String, Sendable, CaseIterable {
    /// 32-bit floats.
    case float32
    /// 8-bit integer weights and activations, int32 accumulation.
    case int8

    /// Bytes of one stored value.
    public var bytesPerValue: Int { self == .float32 ? 4 : 1 }
}

/// A modelled energy, split into arithmetic and memory.
public struct EnergyEstimate: Sendable, Equatable {
    /// Picojoules of arithmetic.
    public let arithmeticPicojoules: Double
    /// Picojoules of memory traffic.
    public let memoryPicojoules: Double

    /// Both, in picojoules.
    public var totalPicojoules: Double { arithmeticPicojoules + memoryPicojoules }
}
