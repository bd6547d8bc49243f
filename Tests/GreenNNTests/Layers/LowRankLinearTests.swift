import Testing

@testable import GreenNN

/// One `LowRankLinear` configuration.
struct LowRankCase: CustomStringConvertible, Sendable {
    var batch = 1, inputFeatures = 12, outputFeatures = 7, rank = 3
    var bias = true
    var description: String { "N\(batch) \(inputFeatures)->\(outputFeatures) r\(rank) bias=\(bias)" }

    static let sweep: [LowRankCase] = [
        LowRankCase(), LowRankCase(batch: 3), LowRankCase(batch: 3, rank: 1, bias: false),
        LowRankCase(batch: 1, rank: 7),
        LowRankCase(batch: 3, inputFeatures: 5, outputFeatures: 9, rank: 5),
    ]

    func makeLayer(seed: UInt64 = 121) throws -> LowRankLinear {
        var random = generator(seed)
        return try LowRankLinear(inputFeatures, outputFeatures, rank: rank, bias: bias, using: &random)
    }
}

/// `y = (x·Vᵀ)·Uᵀ + b` against two `Naive.linear` calls, and against one `Naive.linear`
/// with the product `W = U·V`. Tolerance 1e-5 relative.
@Suite struct LowRankLinearTests {
    @Test(arguments: LowRankCase.sweep)
    func forwardMatchesNaiveReference(_ c: LowRankCase) throws {
        let layer = try c.makeLayer()
        #expect(layer.down.weight.value.shape == [c.rank, c.inputFeatures] && layer.down.bias == nil)
        #expect(layer.up.weight.value.shape == [c.outputFeatures, c.rank] && (layer.up.bias != nil) == c.bias)
        let input = randomTensor([c.batch, c.inputFeatures], seed: 122)
        let hidden = Naive.linear(input, weight: layer.down.weight.value, bias: nil)
        expectClose(
            try layer(input), Naive.linear(hidden, weight: layer.up.weight.value, bias: layer.up.bias?.value),
            tolerance: 1e-5, "\(c)")
        let product = Naive.matmul(layer.up.weight.value, layer.down.weight.value)  // [out, in]
        expectClose(
            try layer(input), Naive.linear(input, weight: product, bias: layer.up.bias?.value), tolerance: 1e-5,
            "\(c) as W = U·V")
    }

    @Test(arguments: LowRankCase.sweep)
    func costMatchesClosedForm(_ c: LowRankCase) throws {
        let layer = try c.makeLayer()
        let cost = try layer.cost(for: [c.batch, c.inputFeatures])
        let macs = c.batch * c.rank * (c.inputFeatures + c.outputFeatures)
        let parameters = c.rank * (c.inputFeatures + c.outputFeatures) + (c.bias ? c.outputFeatures : 0)
        #expect(cost.output == [c.batch, c.outputFeatures], "\(c)")
        #expect(cost.macs == macs && cost.flops == 2 * macs + (c.bias ? c.batch * c.outputFeatures : 0), "\(c)")
        #expect(cost.parameters == parameters && cost.weightBytes == 4 * parameters, "\(c)")
        #expect(cost.children.map(\.name) == ["down", "up"])
        CostChecks.expectCompositeRowsSumTheirChildren(cost)
        try CostChecks.expectCostMatchesForward(
            layer, input: randomTensor([c.batch, c.inputFeatures], seed: 123), "\(c)")
        try CostChecks.expectParameterCountsAgree(layer, input: [c.batch, c.inputFeatures], "\(c)")
    }

    @Test func factorsFromGivenLayersChain() throws {
        let down = try Linear(weight: randomTensor([2, 6], seed: 1), bias: nil)
        let up = try Linear(weight: randomTensor([4, 2], seed: 2), bias: randomTensor([4], seed: 3))
        let layer = try LowRankLinear(down: down, up: up)
        #expect(layer.rank == 2 && layer.inputFeatures == 6 && layer.outputFeatures == 4)
        #expect(layer.parameters.map(\.name) == ["down.weight", "up.weight", "up.bias"])
    }

    @Test func rejectsRankOutsideOneToMinOfInAndOut() {
        expectLayerError(["LowRankLinear", "rank must be in 1...7", "got 0"]) { _ = try LowRankLinear(12, 7, rank: 0) }
        expectLayerError(["LowRankLinear", "rank must be in 1...7", "got 8"]) { _ = try LowRankLinear(12, 7, rank: 8) }
        expectLayerError(["LowRankLinear", "rank must be in 1...5", "got 6"]) { _ = try LowRankLinear(5, 9, rank: 6) }
        expectLayerError(["LowRankLinear", "inputFeatures must be >= 1, got 0"]) {
            _ = try LowRankLinear(0, 9, rank: 1)
        }
    }

    @Test func rejectsFactorsThatDoNotFit() throws {
        expectLayerError(["LowRankLinear", "down factor must have no bias"]) {
            _ = try LowRankLinear(down: Linear(6, 2), up: Linear(2, 4))
        }
        expectLayerError(["LowRankLinear", "down gives 2 features, up takes 3"]) {
            _ = try LowRankLinear(down: Linear(6, 2, bias: false), up: Linear(3, 4))
        }
        expectLayerError(["LowRankLinear", "rank must be in 1...4", "got 5"]) {
            _ = try LowRankLinear(down: Linear(6, 5, bias: false), up: Linear(5, 4))
        }
    }

    @Test func rejectsWrongInputWithTheFactorPath() throws {
        let layer = try LowRankCase().makeLayer()
        expectLayerError([], startingWith: "down (Linear): expected input [N, 12], got [2, 7]") {
            _ = try layer(randomTensor([2, 7], seed: 1))
        }
    }

    @Test func descriptionIsCallSyntax() throws {
        #expect(try LowRankLinear(4096, 4096, rank: 256).description == "LowRankLinear(4096, 4096, rank: 256)")
        #expect(
            try LowRankLinear(8, 4, rank: 2, bias: false).description == "LowRankLinear(8, 4, rank: 2, bias: false)")
    }
}
