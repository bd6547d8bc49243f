import Testing

@testable import GreenModels

/// Published totals, exact: parameters (all learnable scalars) and conv + linear MACs for one
/// image at the model's default input (Docs/CostModel.md lists what else the FLOPs count).
struct PublishedTotal: CustomStringConvertible, Sendable {
    let model: String
    let parameters: Int
    let macs: Int
    var description: String { model }

    static let all: [PublishedTotal] = [
        PublishedTotal(model: "lenet5", parameters: 61_706, macs: 416_520),
        PublishedTotal(model: "vgg16", parameters: 138_357_544, macs: 15_470_264_320),
        PublishedTotal(model: "vgg16-cifar", parameters: 14_982_474, macs: 313_463_808),
        PublishedTotal(model: "vgg11", parameters: 132_863_336, macs: 7_609_090_048),
        PublishedTotal(model: "vgg13", parameters: 133_047_848, macs: 11_308_466_176),
        PublishedTotal(model: "vgg19", parameters: 143_667_240, macs: 19_632_062_464),
        // MobileNet v1 1.0-224 with BatchNorm; without BN's 21,888 γ/β it is 4,210,088.
        PublishedTotal(model: "mobilenet-v1", parameters: 4_231_976, macs: 568_740_352),
        PublishedTotal(model: "squeezenet1.0", parameters: 1_248_424, macs: 818_924_576),
        PublishedTotal(model: "squeezenet1.1", parameters: 1_235_496, macs: 349_151_936),
        // torchvision's resnet18 and mobilenet_v2 (torchvision.models docs: 11.7M params, 1.81
        // GFLOPS; 3.5M params, 0.30 GFLOPS, counted as multiply-adds).
        PublishedTotal(model: "resnet18", parameters: 11_689_512, macs: 1_814_073_344),
        PublishedTotal(model: "mobilenet-v2", parameters: 3_504_872, macs: 300_774_272),
    ]
}

@Suite struct ModelZooTests {
    @Test(arguments: PublishedTotal.all)
    func totalsMatchThePublishedFigures(_ expected: PublishedTotal) throws {
        let entry = try ModelZoo.entry(named: expected.model)
        let model = try ModelZoo.model(named: expected.model)
        let cost = try model.cost(for: entry.input(batch: 1))
        #expect(cost.parameters == expected.parameters)
        #expect(cost.macs == expected.macs)
        #expect(model.parameterCount == expected.parameters)
    }

    @Test func mobileNetBatchNormParametersAreTheDifference() throws {
        let model = try ModelZoo.model(named: "mobilenet-v1")
        let batchNorm = model.parameters.filter { $0.name.contains("Norm") || $0.name.hasPrefix("features.0.1.") }
        #expect(batchNorm.reduce(0) { $0 + $1.parameter.count } == 21_888)
    }

    @Test(arguments: ModelZoo.names)
    func everyModelReportsItsCostAndClassCount(_ name: String) throws {
        let entry = try ModelZoo.entry(named: name)
        let model = try ModelZoo.model(named: name)
        let cost = try model.cost(for: entry.input(batch: 3))
        #expect(cost.output == [3, entry.classes])
        let single = try model.cost(for: entry.input(batch: 1))
        #expect(cost.macs == 3 * single.macs, "MACs scale with the batch")
        #expect(cost.parameters == single.parameters)
    }

    /// Every variant is cheaper than its baseline: fewer parameters, and fewer MACs except
    /// sharing, which by design keeps every application's MACs (Docs/Models.md).
    @Test(arguments: ModelZoo.entries.filter { $0.baseline != nil }.map(\.name))
    func variantsAreCheaperThanTheirBaseline(_ name: String) throws {
        let entry = try ModelZoo.entry(named: name)
        let baseline = try ModelZoo.entry(named: entry.baseline!)
        let variantCost = try ModelZoo.model(named: name).cost(for: entry.input(batch: 1))
        let baselineCost = try ModelZoo.model(named: baseline.name).cost(for: baseline.input(batch: 1))
        #expect(variantCost.parameters < baselineCost.parameters)
        if name.hasSuffix("-shared") {
            #expect(variantCost.macs == baselineCost.macs)
        } else {
            #expect(variantCost.macs < baselineCost.macs)
        }
    }

    /// Forward on a batch of 2 for every model under 2 GMACs per image (the VGG-224 baselines
    /// and the shrinked/lowrank/shared VGG-16 variants run in the release benchmarks only).
    @Test(arguments: ModelZoo.names)
    func forwardRunsOnABatchOfTwo(_ name: String) throws {
        let entry = try ModelZoo.entry(named: name)
        let model = try ModelZoo.model(named: name)
        let macs = try model.cost(for: entry.input(batch: 1)).macs
        guard macs < 2_000_000_000 else { return }
        var generator = SeededGenerator(seed: 5)
        let input = try Tensor.uniform(entry.input(batch: 2), in: -1..<1, using: &generator)
        let output = try model(input)
        #expect(output.shape == [2, entry.classes])
        #expect(output.scalars.allSatisfy { $0.isFinite })
    }

    @Test func torchvisionParameterNames() throws {
        let vgg = try ModelZoo.model(named: "vgg16").parameters.map(\.name)
        #expect(vgg.prefix(2) == ["features.0.weight", "features.0.bias"])
        #expect(vgg.suffix(2) == ["classifier.6.weight", "classifier.6.bias"])
        #expect(vgg.contains("features.28.weight"))
        let squeeze = try ModelZoo.model(named: "squeezenet1.0").parameters.map(\.name)
        #expect(squeeze.contains("features.3.squeeze.weight"))
        #expect(squeeze.contains("features.12.expand3x3.bias"))
        #expect(squeeze.last == "classifier.1.bias")
        let lenet = try ModelZoo.model(named: "lenet5").parameters.map(\.name)
        #expect(
            lenet == [
                "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight",
                "11.bias",
            ])
    }

    @Test func unknownNamesListTheValidOnes() {
        #expect(throws: ModelZooError.self) { try ModelZoo.entry(named: "vgg17") }
        do {
            _ = try ModelZoo.entry(named: "vgg17")
        } catch {
            #expect(error.description.hasPrefix("unknown model 'vgg17' (known: lenet5, lenet5-ds"))
        }
    }

    @Test func inapplicableVariantsAreRefused() {
        var generator = SeededGenerator(seed: 1)
        #expect(throws: LayerError.self) { try LeNet5.make(variant: .shared, using: &generator) }
        #expect(throws: LayerError.self) { try LeNet5.make(variant: .fire, using: &generator) }
    }
}
