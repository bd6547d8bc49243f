import Testing

@testable import GreenModels

/// Training cost of the zoo: every MAC is in a conv or linear layer, whose backward pass costs
/// twice its forward MACs, so each model's backward MACs are exactly twice its forward MACs.
/// The ImageNet VGGs are left out: initialising 133–144 million weights takes seconds in debug,
/// and their blocks are the CIFAR VGG's.
@Suite struct TrainingCostTests {
    @Test(arguments: ModelZoo.names.filter { !$0.hasPrefix("vgg") || $0.hasPrefix("vgg16-cifar") })
    func backwardMACsAreTwiceTheForwardMACs(_ name: String) throws {
        let cost = try ModelZoo.model(named: name).cost(for: try ModelZoo.entry(named: name).input(batch: 1))
        #expect(cost.backwardMACs == 2 * cost.macs)
        #expect(cost.backwardFLOPs >= 2 * cost.backwardMACs)
    }

    @Test func leNet5BackwardMatchesTheCostModelExample() throws {
        // Docs/CostModel.md: 833,040 backward MACs per image, 117,600 of them the first conv's input gradient.
        let cost = try ModelZoo.model(named: "lenet5").cost(for: [1, 1, 28, 28])
        #expect(cost.backwardMACs == 833_040)
        #expect(cost.children[0].macs == 117_600)
    }
}
