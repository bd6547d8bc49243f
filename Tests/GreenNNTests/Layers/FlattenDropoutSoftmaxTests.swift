import Testing

@testable import GreenNN

/// `Flatten` (a view), `Dropout` (identity in inference, a seeded mask in training) and
/// `Softmax` (against `Naive.softmax`, 1e-6 relative).
@Suite struct FlattenDropoutSoftmaxTests {
    // MARK: Flatten

    @Test(arguments: [Shape([1, 3, 7, 9]), [3, 2, 7, 9], [3, 5], [4]])
    func flattenKeepsTheBatchAndTheOrder(_ shape: Shape) throws {
        let input = randomTensor(shape, seed: 61)
        let output = try Flatten()(input)
        #expect(output.shape == [shape[0], shape.elementCount / shape[0]])
        #expect(output.scalars == input.scalars)
        let cost = try Flatten().cost(for: shape)
        #expect(cost.output == output.shape && cost.macs == 0 && cost.flops == 0 && cost.activationBytes == 0)
    }

    @Test func flattenRejectsAScalar() {
        expectLayerError([], startingWith: "Flatten: expected input [N, …], got []") {
            _ = try Flatten().cost(for: Shape([]))
        }
    }

    // MARK: Dropout

    @Test func dropoutIsTheIdentityInInference() throws {
        let dropout = try Dropout(probability: 0.5, seed: 1)
        let input = randomTensor([3, 2, 7, 9], seed: 62)
        #expect(try dropout(input).scalars == input.scalars)
        let cost = try dropout.cost(for: input.shape)
        #expect(cost.output == input.shape && cost.flops == 0 && cost.macs == 0 && cost.activationBytes == 0)
    }

    @Test(arguments: [Float(0.1), 0.3, 0.5, 0.8])
    func dropoutZeroesAboutPAndScalesTheRest(_ probability: Float) throws {
        let dropout = try Dropout(probability: probability, seed: 7)
        dropout.train()
        let input = randomTensor([4, 5, 20, 25], seed: 63, in: 1..<2)  // 10,000 values, none zero
        let output = try dropout(input).scalars
        let zeros = output.filter { $0 == 0 }.count
        let fraction = Float(zeros) / Float(output.count)
        // Binomial(10,000, p): the standard deviation is at most 0.005; allow 5 of them.
        #expect(abs(fraction - probability) < 0.025, "p \(probability): zeroed \(fraction)")
        for (x, y) in zip(input.scalars, output) where y != 0 {
            #expect(abs(y - x / (1 - probability)) <= 1e-6 * abs(y), "p \(probability): \(x) became \(y)")
        }
    }

    @Test func dropoutMaskDependsOnlyOnTheSeed() throws {
        let input = randomTensor([3, 2, 7, 9], seed: 64, in: 1..<2)
        func run(seed: UInt64) throws -> Dropout {
            let dropout = try Dropout(probability: 0.5, seed: seed)
            dropout.train()
            return dropout
        }
        let a = try run(seed: 3), b = try run(seed: 3), c = try run(seed: 4)
        let first = try a(input).scalars
        #expect(first == (try b(input).scalars), "same seed, same mask")
        #expect(first != (try c(input).scalars), "another seed, another mask")
        #expect(first != (try a(input).scalars), "the generator moves on between calls")
    }

    @Test func dropoutWithZeroProbabilityIsTheIdentityInTraining() throws {
        let dropout = try Dropout(probability: 0)
        dropout.train()
        let input = randomTensor([3, 10], seed: 65)
        #expect(try dropout(input).scalars == input.scalars)
    }

    @Test func dropoutRejectsProbabilityOutsideTheUnitInterval() {
        expectLayerError(["Dropout", "probability must be in [0, 1), got 1.0"]) { _ = try Dropout(probability: 1) }
        expectLayerError(["Dropout", "probability", "-0.1"]) { _ = try Dropout(probability: -0.1) }
    }

    // MARK: Softmax

    @Test(arguments: [1, 3])
    func softmaxMatchesNaiveReference(_ batch: Int) throws {
        let input = randomTensor([batch, 10], seed: 66, in: -20..<20)
        let output = try Softmax()(input)
        expectClose(output, Naive.softmax(input), tolerance: 1e-6, "N\(batch)")
        for row in 0..<batch {
            let total = output.scalars[(row * 10)..<((row + 1) * 10)].reduce(0, +)
            #expect(abs(total - 1) < 1e-5)
        }
        let cost = try Softmax().cost(for: input.shape)
        #expect(cost.output == input.shape && cost.macs == 0 && cost.flops == 5 * batch * 10)
    }

    @Test func softmaxRejectsRankBelowTwo() {
        expectLayerError([], startingWith: "Softmax: expected input [N, K, …], got [5]") {
            _ = try Softmax()(randomTensor([5], seed: 1))
        }
    }

    @Test func descriptionsAreCallSyntax() throws {
        #expect(Flatten().description == "Flatten()")
        #expect(Softmax().description == "Softmax()")
        #expect(try Dropout(probability: 0.25).description == "Dropout(probability: 0.25)")
    }
}
