import Testing

@testable import GreenNN

/// The analytic energy column: one conv's estimate by hand from its MACs, FLOPs and bytes at both
/// precisions, the overridable constants, and the columns in every rendering (absent without an
/// energy model, so the plain tables stay as they were).
struct EnergyModelTests {
    static func conv() throws -> (Conv2d, LayerCost) {
        var random = generator(950)
        let conv = try Conv2d(1, 6, kernelSize: 5, padding: 2, using: &random)
        return (conv, try conv.cost(for: [1, 1, 28, 28]))
    }

    @Test func aConvolutionsEstimateFollowsItsCounts() throws {
        let (_, cost) = try Self.conv()
        // 6 filters of 25 taps on 784 positions; one bias add per output.
        #expect(cost.macs == 117_600 && cost.flops == 2 * 117_600 + 4_704)
        #expect(cost.weightBytes == 4 * 156 && cost.activationBytes == 4 * 4_704)
        let float = EnergyModel.horowitz45nm.estimate(cost, precision: .float32)
        #expect(abs(float.arithmeticPicojoules - (117_600 * (3.7 + 0.9) + 4_704 * 0.9)) < 1e-6)
        #expect(abs(float.memoryPicojoules - (624 * 160 + 2 * 18_816 * 1.25)) < 1e-6)
        let int8 = EnergyModel.horowitz45nm.estimate(cost, precision: .int8)
        #expect(abs(int8.arithmeticPicojoules - (117_600 * (0.2 + 0.1) + 4_704 * 0.1)) < 1e-6)
        #expect(abs(int8.memoryPicojoules - (156 * 160 + 2 * 4_704 * 1.25)) < 1e-6)
        #expect(int8.totalPicojoules < float.totalPicojoules / 4)
    }

    @Test func theConstantsCanBeOverridden() throws {
        let (_, cost) = try Self.conv()
        let onChip = EnergyModel(dramByte: 1.25)
        let estimate = onChip.estimate(cost, precision: .float32)
        #expect(abs(estimate.memoryPicojoules - (624 * 1.25 + 2 * 18_816 * 1.25)) < 1e-6)
    }

    @Test func everyRenderingCarriesTheColumnsOnlyWhenAsked() throws {
        let (conv, _) = try Self.conv()
        let model = try Sequential {
            conv; ReLU()
        }
        let plain = try CostTable(model, input: [1, 1, 28, 28])
        let withEnergy = try CostTable(model, input: [1, 1, 28, 28], energy: .horowitz45nm, precision: .int8)
        #expect(!plain.rendered(as: .text).contains("µJ"))
        let text = withEnergy.rendered(as: .text)
        #expect(text.contains("Arith µJ") && text.contains("Memory µJ"))
        #expect(text.contains("Modelled energy per pass (int8"))
        #expect(withEnergy.rendered(as: .markdown).contains("| Arith µJ | Memory µJ |"))
        let csv = withEnergy.rendered(as: .csv).split(separator: "\n")
        #expect(csv[0].hasSuffix(",arithmetic_uj,memory_uj"))
        #expect(csv.allSatisfy { $0.split(separator: ",").count == 13 })
        let json = withEnergy.rendered(as: .json)
        #expect(json.contains("\"arithmeticMicrojoules\"") && json.contains("\"precision\" : \"int8\""))
        #expect(CostNumber.microjoules(0.0424) == "0.042" && CostNumber.microjoules(12_345.6) == "12,346")
    }
}
