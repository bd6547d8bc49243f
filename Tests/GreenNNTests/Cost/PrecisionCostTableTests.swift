import Foundation
import Testing

@testable import GreenNN

/// A quantized model's cost table: every row's precision, its MACs on int8 codes and in float32,
/// and its weight bytes as the int8 plan stores them, checked against the quantized weights and
/// the plan; an opaque float layer inside a container makes the container "mixed"; the energy
/// columns follow each row's precision; every rendering carries the columns.
@Suite struct PrecisionCostTableTests {
    /// A per-channel scale that does not adopt `InferencePlanning`: the int8 plan runs it as an
    /// opaque float step. One multiply per element (its MACs), one weight per channel.
    final class ChannelScale: Layer {
        var isTraining = false
        let weight: Parameter
        init(channels: Int) {
            weight = Parameter(try! Tensor(shape: [channels], scalars: Array(repeating: 0.5, count: channels)))
        }
        var directParameters: [NamedParameter] { [NamedParameter(name: "weight", parameter: weight)] }
        func forward(_ input: Tensor) throws -> Tensor {
            let channels = input.shape[1], plane = input.elementCount / (input.shape[0] * channels)
            let scales = weight.value.scalars
            return try Tensor(
                shape: input.shape, scalars: input.scalars.enumerated().map { $1 * scales[$0 / plane % channels] })
        }
        func backward(_ outputGradient: Tensor) throws -> Tensor { outputGradient }
        func cost(for input: Shape) throws -> LayerCost {
            LayerCost(
                kind: kind, input: input, output: input, parameters: weight.value.elementCount,
                macs: input.elementCount, flops: input.elementCount)
        }
        var description: String { "ChannelScale()" }
    }

    static func makeQuantized() throws -> (Sequential, QuantizedModel) {
        var random = generator(940)
        let model = try Sequential {
            try Conv2d(3, 8, kernelSize: 3, padding: 1, using: &random)
            try BatchNorm2d(8)
            ReLU()
            try Sequential {
                try DepthwiseConv2d(8, kernelSize: 3, padding: 1, using: &random)
                ChannelScale(channels: 8)
            }
            try MaxPool2d(kernelSize: 2)
            Flatten()
            try Linear(8 * 4 * 4, 10, using: &random)
        }
        model.eval()
        let quantized = try model.quantized(
            calibratingOn: [randomTensor([4, 3, 8, 8], seed: 941)], method: .minMax)
        return (model, quantized)
    }

    @Test func everyRowHasItsPrecisionMACsAndStoredBytes() throws {
        let (model, quantized) = try Self.makeQuantized()
        let table = try CostTable(quantized: quantized, input: [1, 3, 8, 8])
        let float = try CostTable(model, input: [1, 3, 8, 8])
        #expect(float.precisionCost(of: float.total) == nil)
        let rows = Dictionary(uniqueKeysWithValues: table.rows.map { ($0.path, $0.cost) })
        func precision(_ path: String) throws -> LayerPrecisionCost {
            let cost = try #require(rows[path])
            return try #require(table.precisionCost(of: cost))
        }
        // The conv: int8 codes, half-precision scales and float32 bias as stored, BatchNorm folded in.
        let conv = try precision("0")
        #expect(conv.precision == "int8" && conv.int8MACs == rows["0"]!.macs && conv.float32MACs == 0)
        #expect(conv.weightBytes == quantized.weights["0"]!.byteCount)
        #expect(try precision("1").precision == "--" && precision("2").precision == "--")
        // The container holds an int8 depthwise conv and the opaque float scale.
        let scale = try precision("3.1")
        #expect(scale.precision == "float32" && scale.float32MACs == 8 * 8 * 8 && scale.weightBytes == 4 * 8)
        let block = try precision("3")
        #expect(block.precision == "mixed")
        #expect(block.int8MACs == rows["3.0"]!.macs && block.float32MACs == scale.float32MACs)
        #expect(try precision("4").precision == "int8")  // max pooling on codes
        let total = try #require(table.precisionCost(of: table.total))
        #expect(total.int8MACs + total.float32MACs == table.total.macs)
        #expect(total.weightBytes == (try quantized.inferencePlan(for: [1, 3, 8, 8])).weightBytes)
    }

    /// Horowitz's energies: the int8 conv's arithmetic is its MACs at an 8-bit multiply and a
    /// 32-bit add plus its other operations at a 32-bit add, its memory its stored bytes from
    /// DRAM and its activations at a byte each; the opaque scale's at float32.
    @Test func energyFollowsEachRowsPrecision() throws {
        let (_, quantized) = try Self.makeQuantized()
        let energy = EnergyModel.horowitz45nm
        let table = try CostTable(quantized: quantized, input: [1, 3, 8, 8], energy: energy)
        let rows = Dictionary(uniqueKeysWithValues: table.rows.map { ($0.path, $0.cost) })
        let conv = rows["0"]!
        let convBytes = Double(quantized.weights["0"]!.byteCount)
        let (arithmetic, memory) = try #require(table.microjoules(of: conv))
        let expectedArithmetic =
            Double(conv.macs) * (energy.int8Multiply + energy.int32Add)
            + Double(conv.flops - 2 * conv.macs) * energy.int32Add
        #expect(abs(arithmetic - expectedArithmetic * 1e-6) < 1e-9)
        let expectedMemory = convBytes * energy.dramByte + 2 * Double(conv.activationBytes) / 4 * energy.sramByte
        #expect(abs(memory - expectedMemory * 1e-6) < 1e-9)
        let scale = rows["3.1"]!
        let (scaleArithmetic, _) = try #require(table.microjoules(of: scale))
        #expect(abs(scaleArithmetic - Double(scale.macs) * (energy.float32Multiply + energy.float32Add) * 1e-6) < 1e-9)
    }

    @Test func everyRenderingCarriesThePrecisionColumns() throws {
        let (_, quantized) = try Self.makeQuantized()
        let table = try CostTable(quantized: quantized, input: [1, 3, 8, 8], energy: .horowitz45nm)
        let text = table.rendered(as: .text)
        #expect(text.contains("Precision") && text.contains("mixed") && text.contains("MACs on int8 codes"))
        #expect(table.rendered(as: .markdown).contains("| Precision | Stored bytes |"))
        let csv = table.rendered(as: .csv).split(separator: "\n")
        #expect(csv[0].hasSuffix(",precision,int8_macs,float32_macs,stored_weight_bytes,arithmetic_uj,memory_uj"))
        #expect(csv.contains { $0.hasPrefix("3.1,") && $0.contains(",float32,0,512,32,") })
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(table.rendered(as: .json).utf8)) as? [String: Any])
        let layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.first?["precision"] as? String == "int8")
        #expect(
            (json["total"] as? [String: Any])?["storedWeightBytes"] as? Int
                == table.precisionCost(of: table.total)?.weightBytes)
    }
}
