import Testing

@testable import GreenNN

/// One `Linear` configuration.
struct LinearCase: CustomStringConvertible, Sendable {
    var batch = 1, inputFeatures = 5, outputFeatures = 3
    var bias = true
    var description: String { "N\(batch) \(inputFeatures)->\(outputFeatures) bias=\(bias)" }

    static let sweep: [LinearCase] = [
        LinearCase(), LinearCase(batch: 3), LinearCase(batch: 3, bias: false),
        LinearCase(batch: 1, inputFeatures: 1, outputFeatures: 7),
        LinearCase(batch: 3, inputFeatures: 33, outputFeatures: 9),
    ]

    func makeLayer(seed: UInt64 = 21) throws -> Linear {
        var random = generator(seed)
        return try Linear(inputFeatures, outputFeatures, bias: bias, using: &random)
    }
}

/// `Linear` against `Naive.linear`. Tolerance 1e-5 relative: at most 33 products in [-1, 1].
@Suite struct LinearTests {
    @Test func tinyRampIsHandCheckable() throws {
        // x = [0 1 2], W = [[1 1 1], [0 1 2]], b = [1, -1]: y = [4, 4].
        let fc = try Linear(
            weight: Tensor(shape: [2, 3], scalars: [1, 1, 1, 0, 1, 2]), bias: Tensor(shape: [2], scalars: [1, -1]))
        #expect(try fc(rampTensor([1, 3])).scalars == [4, 4])
    }

    @Test(arguments: LinearCase.sweep)
    func forwardMatchesNaiveReference(_ c: LinearCase) throws {
        let fc = try c.makeLayer()
        let input = randomTensor([c.batch, c.inputFeatures], seed: 3)
        expectClose(
            try fc(input), Naive.linear(input, weight: fc.weight.value, bias: fc.bias?.value), tolerance: 1e-5, "\(c)")
    }

    @Test(arguments: LinearCase.sweep)
    func costMatchesClosedForm(_ c: LinearCase) throws {
        let cost = try c.makeLayer().cost(for: [c.batch, c.inputFeatures])
        let macs = c.batch * c.inputFeatures * c.outputFeatures
        let parameters = c.inputFeatures * c.outputFeatures + (c.bias ? c.outputFeatures : 0)
        #expect(cost.output == [c.batch, c.outputFeatures], "\(c)")
        #expect(cost.macs == macs, "\(c)")
        #expect(cost.flops == 2 * macs + (c.bias ? c.batch * c.outputFeatures : 0), "\(c)")
        #expect(cost.parameters == parameters && cost.weightBytes == 4 * parameters, "\(c)")
        #expect(cost.activationBytes == 4 * c.batch * c.outputFeatures, "\(c)")
    }

    @Test(arguments: LinearCase.sweep)
    func costMatchesForwardWork(_ c: LinearCase) throws {
        let fc = try c.makeLayer()
        try CostChecks.expectCostMatchesForward(fc, input: randomTensor([c.batch, c.inputFeatures], seed: 4), "\(c)")
        try CostChecks.expectParameterCountsAgree(fc, input: [c.batch, c.inputFeatures], "\(c)")
    }

    @Test func initialisationIsBoundedByFanIn() throws {
        let fc = try LinearCase(inputFeatures: 16, outputFeatures: 4).makeLayer()
        #expect(fc.weight.value.shape == [4, 16])
        #expect(
            fc.weight.value.scalars.allSatisfy { abs($0) <= 0.25 }
                && fc.bias!.value.scalars.allSatisfy { abs($0) <= 0.25 })
    }

    @Test func rejectsZeroFeatures() {
        expectLayerError(["Linear", "inputFeatures must be >= 1, got 0"]) { _ = try Linear(0, 3) }
        expectLayerError(["Linear", "outputFeatures must be >= 1, got 0"]) { _ = try Linear(3, 0) }
        expectLayerError(["Linear", "bias must be [2], got [3]"]) {
            _ = try Linear(weight: Tensor.zeros([2, 3]), bias: Tensor.zeros([3]))
        }
    }

    @Test func rejectsWrongInputShape() throws {
        let fc = try LinearCase().makeLayer()
        expectLayerError([], startingWith: "Linear: expected input [N, 5], got [2, 4]") {
            _ = try fc(randomTensor([2, 4], seed: 1))
        }
        expectLayerError([], startingWith: "Linear: expected input [N, 5], got [2, 5, 1]") {
            _ = try fc.cost(for: [2, 5, 1])
        }
    }

    @Test func descriptionShowsOnlyNonDefaultArguments() throws {
        #expect(try Linear(400, 120).description == "Linear(400, 120)")
        #expect(try Linear(400, 120, bias: false).description == "Linear(400, 120, bias: false)")
    }
}
