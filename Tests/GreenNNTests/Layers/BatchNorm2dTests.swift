import Testing

@testable import GreenNN

/// `BatchNorm2d` against its formula, in inference (running statistics) and in training
/// (batch statistics, running averages moved with momentum and the unbiased variance).
/// Tolerance 1e-5 relative: one scale and shift per element; statistics of <= 189 values.
@Suite struct BatchNorm2dTests {
    /// A batch norm over 4 channels with non-trivial γ, β and running statistics.
    static func makeNorm(epsilon: Float = 1e-5, momentum: Float = 0.1) throws -> BatchNorm2d {
        let norm = try BatchNorm2d(4, epsilon: epsilon, momentum: momentum)
        norm.weight.value = try Tensor(shape: [4], scalars: [1.5, -0.5, 2, 0.25])
        norm.bias.value = try Tensor(shape: [4], scalars: [0.1, -0.2, 0.3, 1])
        norm.runningMean = try Tensor(shape: [4], scalars: [0.2, -0.3, 0, 0.5])
        norm.runningVariance = try Tensor(shape: [4], scalars: [0.5, 2, 1, 0.04])
        return norm
    }

    @Test func tinyRampIsHandCheckable() throws {
        // Mean 1, variance 4 (ε = 0 is not allowed, so take ε tiny): y = (x − 1)/2.
        let norm = try BatchNorm2d(1, epsilon: 1e-12)
        norm.runningMean = Tensor(1).reshapedToVector()
        norm.runningVariance = try Tensor(shape: [1], scalars: [4])
        #expect(try norm(rampTensor([1, 1, 1, 3], start: 1)).scalars == [0, 0.5, 1])
    }

    @Test(arguments: [1, 3])
    func inferenceMatchesFormula(_ batch: Int) throws {
        let norm = try Self.makeNorm(epsilon: 1e-3)
        let input = randomTensor([batch, 4, 7, 9], seed: 31)
        let expected = Naive.batchNorm(
            input, mean: norm.runningMean.scalars, variance: norm.runningVariance.scalars,
            gamma: norm.weight.value.scalars,
            beta: norm.bias.value.scalars, epsilon: 1e-3)
        expectClose(try norm(input), expected, tolerance: 1e-5, "N\(batch)")
        #expect(norm.runningMean.scalars == [0.2, -0.3, 0, 0.5], "inference must not move the running mean")
    }

    @Test(arguments: [1, 3])
    func trainingNormalisesWithBatchStatistics(_ batch: Int) throws {
        let norm = try Self.makeNorm(momentum: 0.25)
        norm.train()
        let input = randomTensor([batch, 4, 7, 9], seed: 32, in: -1..<3)
        let statistics = Naive.channelStatistics(input)
        let expected = Naive.batchNorm(
            input, mean: statistics.mean, variance: statistics.biased, gamma: norm.weight.value.scalars,
            beta: norm.bias.value.scalars, epsilon: 1e-5)
        expectClose(try norm(input), expected, tolerance: 1e-5, "N\(batch)")
    }

    @Test(arguments: [1, 3])
    func trainingMovesRunningStatisticsWithMomentumAndUnbiasedVariance(_ batch: Int) throws {
        let norm = try Self.makeNorm(momentum: 0.25)
        let (oldMean, oldVariance) = (norm.runningMean.scalars, norm.runningVariance.scalars)
        norm.train()
        let input = randomTensor([batch, 4, 7, 9], seed: 33, in: -1..<3)
        _ = try norm(input)
        let statistics = Naive.channelStatistics(input)
        let mean = (0..<4).map { 0.75 * oldMean[$0] + 0.25 * statistics.mean[$0] }
        let variance = (0..<4).map { 0.75 * oldVariance[$0] + 0.25 * statistics.unbiased[$0] }
        expectClose(norm.runningMean, Naive.tensor([4], mean), tolerance: 1e-5, "running mean")
        expectClose(norm.runningVariance, Naive.tensor([4], variance), tolerance: 1e-5, "running variance")
    }

    @Test func evalSwitchesBackToRunningStatistics() throws {
        let norm = try Self.makeNorm()
        let model = try Sequential { norm }
        model.train()
        #expect(norm.isTraining)
        _ = try model(randomTensor([3, 4, 7, 9], seed: 34))
        model.eval()
        #expect(!norm.isTraining)
        let input = randomTensor([1, 4, 7, 9], seed: 35)
        let expected = Naive.batchNorm(
            input, mean: norm.runningMean.scalars, variance: norm.runningVariance.scalars,
            gamma: norm.weight.value.scalars,
            beta: norm.bias.value.scalars, epsilon: 1e-5)
        expectClose(try model(input), expected, tolerance: 1e-5)
    }

    @Test func foldingEqualsConvThenBatchNormInInference() throws {
        var random = generator(36)
        for conv in [
            try Conv2d(3, 4, kernelSize: 3, stride: 2, padding: 1, using: &random),
            try Conv2d(4, 4, kernelSize: 3, padding: 1, groups: 2, bias: false, using: &random),
        ] {
            let norm = try Self.makeNorm(epsilon: 1e-3)
            let input = randomTensor([3, conv.inputChannels, 7, 9], seed: 37)
            let folded = try conv.folding(norm)
            expectClose(try folded(input), try norm(conv(input)), tolerance: 1e-5, "\(conv)")
            #expect(
                folded.bias != nil
                    && folded.description == conv.description.replacingOccurrences(of: ", bias: false", with: ""))
            #expect(
                try folded.cost(for: input.shape).flops < conv.cost(for: input.shape).flops
                    + norm.cost(for: conv.cost(for: input.shape).output).flops)
        }
    }

    @Test func foldingRejectsMismatchedChannels() throws {
        let conv = try Conv2d(3, 5, kernelSize: 3)
        expectLayerError(["Conv2d", "BatchNorm2d(4)", "5 output channels"]) { _ = try conv.folding(Self.makeNorm()) }
    }

    @Test(arguments: [1, 3])
    func costMatchesClosedForm(_ batch: Int) throws {
        let cost = try Self.makeNorm().cost(for: [batch, 4, 7, 9])
        #expect(cost.output == [batch, 4, 7, 9])
        #expect(cost.macs == 0 && cost.flops == 2 * batch * 4 * 7 * 9)
        #expect(cost.parameters == 8, "γ and β; the running statistics are buffers")
        #expect(cost.weightBytes == 4 * 4 * 4, "γ, β, running mean and running variance")
        try CostChecks.expectCostMatchesForward(Self.makeNorm(), input: randomTensor([batch, 4, 7, 9], seed: 38))
        try CostChecks.expectParameterCountsAgree(Self.makeNorm(), input: [batch, 4, 7, 9])
    }

    @Test func rejectsInvalidConfigurations() {
        expectLayerError(["BatchNorm2d", "channels must be >= 1, got 0"]) { _ = try BatchNorm2d(0) }
        expectLayerError(["BatchNorm2d", "momentum must be in [0, 1], got 2.0"]) { _ = try BatchNorm2d(4, momentum: 2) }
        expectLayerError(["BatchNorm2d", "momentum", "-0.5"]) { _ = try BatchNorm2d(4, momentum: -0.5) }
        expectLayerError(["BatchNorm2d", "epsilon", "got 0.0"]) { _ = try BatchNorm2d(4, epsilon: 0) }
    }

    @Test func rejectsWrongInputAndSingleValueTraining() throws {
        let norm = try Self.makeNorm()
        expectLayerError([], startingWith: "BatchNorm2d: expected input [N, 4, H, W], got [1, 3, 7, 9]") {
            _ = try norm(randomTensor([1, 3, 7, 9], seed: 1))
        }
        expectLayerError([], startingWith: "BatchNorm2d: expected input [N, 4, H, W], got [4, 7]") {
            _ = try norm.cost(for: [4, 7])
        }
        norm.train()
        expectLayerError(["BatchNorm2d", "more than one value per channel", "[1, 4, 1, 1]"]) {
            _ = try norm(randomTensor([1, 4, 1, 1], seed: 1))
        }
    }

    @Test func descriptionShowsOnlyNonDefaultArguments() throws {
        #expect(try BatchNorm2d(64).description == "BatchNorm2d(64)")
        #expect(
            try BatchNorm2d(64, epsilon: 0.001, momentum: 0.01).description
                == "BatchNorm2d(64, epsilon: 0.001, momentum: 0.01)")
        #expect(try BatchNorm2d(4).parameters.map(\.name) == ["weight", "bias"])
    }
}

extension Tensor {
    /// A scalar tensor as a one-element vector.
    fileprivate func reshapedToVector() -> Tensor { try! reshaped(to: [1]) }
}
