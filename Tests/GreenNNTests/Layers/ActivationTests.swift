import Testing

@testable import GreenNN

/// `ReLU`, `ReLU6` and the `Activation` enum that composite blocks use. Exact: clamps.
@Suite struct ActivationTests {
    static let shapes: [Shape] = [[1, 3, 7, 9], [3, 2, 7, 9], [3, 10]]

    @Test func tinyRampIsHandCheckable() throws {
        let ramp = rampTensor([1, 10], start: -2)  // -2 … 7
        #expect(try ReLU()(ramp).scalars == [0, 0, 0, 1, 2, 3, 4, 5, 6, 7])
        #expect(try ReLU6()(ramp).scalars == [0, 0, 0, 1, 2, 3, 4, 5, 6, 6])
    }

    @Test(arguments: shapes)
    func reluMatchesNaiveReference(_ shape: Shape) throws {
        let input = randomTensor(shape, seed: 51)
        expectClose(try ReLU()(input), Naive.relu(input), tolerance: 0, "\(shape)")
    }

    @Test(arguments: shapes)
    func relu6MatchesNaiveReference(_ shape: Shape) throws {
        let input = randomTensor(shape, seed: 52, in: -9..<9)
        expectClose(try ReLU6()(input), Naive.relu6(input), tolerance: 0, "\(shape)")
    }

    @Test(arguments: shapes)
    func costMatchesClosedForm(_ shape: Shape) throws {
        let relu = try ReLU().cost(for: shape), relu6 = try ReLU6().cost(for: shape)
        #expect(relu.output == shape && relu.macs == 0 && relu.flops == shape.elementCount && relu.parameters == 0)
        #expect(relu6.output == shape && relu6.macs == 0 && relu6.flops == 2 * shape.elementCount)
        #expect(relu.activationBytes == 4 * shape.elementCount)
        try CostChecks.expectCostMatchesForward(ReLU(), input: randomTensor(shape, seed: 53))
        try CostChecks.expectCostMatchesForward(ReLU6(), input: randomTensor(shape, seed: 53))
    }

    @Test(arguments: Activation.allCases)
    func activationMakesAFreshLayerOfItsKind(_ activation: Activation) throws {
        let first = activation.makeLayer(), second = activation.makeLayer()
        #expect(first !== second)
        #expect(first.kind == (activation == .relu ? "ReLU" : "ReLU6"))
        let input = randomTensor([3, 2, 7, 9], seed: 54, in: -9..<9)
        expectClose(try first(input), Naive.activate(input, activation), tolerance: 0, "\(activation)")
    }

    @Test func descriptionsAreCallSyntax() {
        #expect(ReLU().description == "ReLU()")
        #expect(ReLU6().description == "ReLU6()")
        #expect(ReLU().parameters.isEmpty && ReLU().children.isEmpty)
    }
}
