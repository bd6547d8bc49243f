import Testing

@testable import GreenNN

/// `SharedBlock`: the block applied n times with one set of parameters; parameters count
/// once, MACs and FLOPs n times. Tolerance 1e-4 relative: up to 3 chained 36-product convs.
@Suite struct SharedBlockTests {
    static func makeBlock(seed: UInt64 = 131) throws -> (block: Sequential, conv: Conv2d) {
        var random = generator(seed)
        let conv = try Conv2d(4, 4, kernelSize: 3, padding: 1, using: &random)
        return (
            try Sequential {
                conv; ReLU()
            }, conv
        )
    }

    @Test(arguments: [1, 3], [1, 2, 3])
    func forwardAppliesTheBlockRepeatedly(_ batch: Int, _ repetitions: Int) throws {
        let (block, conv) = try Self.makeBlock()
        let shared = try SharedBlock(block, repetitions: repetitions)
        let input = randomTensor([batch, 4, 7, 9], seed: 132)
        var expected = input
        for _ in 0..<repetitions {
            expected = Naive.relu(Naive.conv2d(expected, weight: conv.weight.value, bias: conv.bias?.value, padding: 1))
        }
        expectClose(try shared(input), expected, tolerance: 1e-4, "N\(batch) ×\(repetitions)")
    }

    @Test(arguments: [1, 3], [1, 2, 3])
    func costCountsParametersOnceAndWorkPerApplication(_ batch: Int, _ repetitions: Int) throws {
        let (block, _) = try Self.makeBlock()
        let shared = try SharedBlock(block, repetitions: repetitions)
        let input: Shape = [batch, 4, 7, 9]
        let cost = try shared.cost(for: input)
        let once = try block.cost(for: input)
        let macs = batch * 4 * 7 * 9 * 4 * 9  // N·O·H·W·C·k²
        #expect(once.macs == macs)
        #expect(cost.parameters == 4 * 4 * 9 + 4 && cost.weightBytes == 4 * cost.parameters)
        #expect(cost.macs == repetitions * macs && cost.flops == repetitions * once.flops)
        #expect(cost.activationBytes == repetitions * once.activationBytes)
        #expect(cost.applications == repetitions && cost.output == input)
        #expect(cost.children.count == 1 && cost.children[0].name == "block" && cost.children[0].macs == macs)
        #expect(cost.children[0].children.map(\.name) == ["block.0", "block.1"])
        CostChecks.expectCompositeRowsSumTheirChildren(cost)
        try CostChecks.expectCostMatchesForward(shared, input: randomTensor(input, seed: 133))
        try CostChecks.expectParameterCountsAgree(shared, input: input)
    }

    @Test func costEqualsTheUnrolledChainButForParameters() throws {
        let (block, conv) = try Self.makeBlock()
        let shared = try SharedBlock(block, repetitions: 3)
        let unrolled = try Sequential {
            block; block; block
        }  // one instance three times
        let distinct = try Sequential {
            block; try Self.makeBlock(seed: 1).block; try Self.makeBlock(seed: 2).block
        }
        let input: Shape = [1, 4, 7, 9]
        #expect(try shared.cost(for: input).macs == unrolled.cost(for: input).macs)
        #expect(try shared.cost(for: input).flops == unrolled.cost(for: input).flops)
        #expect(try shared.cost(for: input).parameters == unrolled.cost(for: input).parameters)
        #expect(try distinct.cost(for: input).parameters == 3 * conv.parameterCount)
        #expect(shared.parameters.map(\.name) == ["block.0.weight", "block.0.bias"])
    }

    @Test func aSequentialCountsASharedBlocksParametersOnce() throws {
        let (block, conv) = try Self.makeBlock()
        let shared = try SharedBlock(block, repetitions: 2)
        let model = try Sequential {
            shared; try Conv2d(4, 4, kernelSize: 1); shared
        }
        let cost = try model.cost(for: [1, 4, 7, 9])
        #expect(model.parameterCount == conv.parameterCount + 4 * 4 + 4)
        #expect(cost.parameters == model.parameterCount && cost.weightBytes == 4 * model.parameterCount)
    }

    @Test func rejectsZeroRepetitions() throws {
        let (block, _) = try Self.makeBlock()
        expectLayerError(["SharedBlock", "repetitions must be >= 1, got 0"]) {
            _ = try SharedBlock(block, repetitions: 0)
        }
    }

    @Test func rejectsABlockThatChangesTheShape() throws {
        let shared = try SharedBlock(Conv2d(4, 4, kernelSize: 3), repetitions: 2)  // no padding: 7x9 -> 5x7
        expectLayerError(["SharedBlock", "must keep its input shape", "[1, 4, 7, 9] -> [1, 4, 5, 7]"]) {
            _ = try shared.cost(for: [1, 4, 7, 9])
        }
        expectLayerError(["SharedBlock", "must keep its input shape"]) {
            _ = try shared(randomTensor([1, 4, 7, 9], seed: 1))
        }
    }

    @Test func rejectsWrongInputWithTheBlockPath() throws {
        let shared = try SharedBlock(Self.makeBlock().block, repetitions: 2)
        expectLayerError([], startingWith: "block.0 (Conv2d): expected input [N, 4, H, W], got [1, 3, 7, 9]") {
            _ = try shared(randomTensor([1, 3, 7, 9], seed: 1))
        }
        let model = try Sequential {
            ReLU(); shared
        }
        expectLayerError([], startingWith: "1.block.0 (Conv2d): expected input [N, 4, H, W], got [1, 3, 7, 9]") {
            _ = try model.cost(for: [1, 3, 7, 9])
        }
    }

    @Test func descriptionShowsTheRepetitions() throws {
        #expect(try SharedBlock(ReLU(), repetitions: 3).description == "SharedBlock(×3)")
    }

    /// Printed as part of a model, the block still shows how often it runs.
    @Test func treeShowsTheRepetitions() throws {
        let model = try Sequential { try SharedBlock(Conv2d(4, 4, kernelSize: 3, padding: 1), repetitions: 3) }
        #expect(model.description.contains("×3"), "\(model.description)")
    }
}
