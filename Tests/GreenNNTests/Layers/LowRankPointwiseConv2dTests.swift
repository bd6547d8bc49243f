import Testing

@testable import GreenNN

/// `LowRankPointwiseConv2d` against `Naive.conv2d` with the product weight `U·V`, its cost
/// formula, its input checks, its fused inference path, and finite-difference gradients.
@Suite struct LowRankPointwiseConv2dTests {
    func makeLayer(stride: Int = 1, padding: Int = 0, bias: Bool = true) throws -> LowRankPointwiseConv2d {
        var random = generator(31)
        return try LowRankPointwiseConv2d(
            down: Conv2d(
                6, 3, kernelSize: 1, stride: Size2D(stride), padding: Size2D(padding), bias: false, using: &random),
            up: Conv2d(3, 8, kernelSize: 1, bias: bias, using: &random))
    }

    @Test(arguments: [(1, 0), (2, 0), (2, 1)])
    func forwardMatchesTheProductWeight(stride: Int, padding: Int) throws {
        let layer = try makeLayer(stride: stride, padding: padding)
        let input = randomTensor([2, 6, 7, 5], seed: 32)
        let product = Naive.matmul(
            try layer.up.weight.value.reshaped(to: [8, 3]), try layer.down.weight.value.reshaped(to: [3, 6]))
        let expected = Naive.conv2d(
            input, weight: try product.reshaped(to: [8, 6, 1, 1]), bias: layer.up.bias?.value, stride: Size2D(stride),
            padding: Size2D(padding))
        expectClose(try layer(input), expected, tolerance: 1e-5, "stride \(stride) padding \(padding)")
    }

    @Test func costFollowsTheFormula() throws {
        let layer = try makeLayer(stride: 2)
        let cost = try layer.cost(for: [2, 6, 8, 8])
        #expect(cost.output == [2, 8, 4, 4])
        #expect(cost.parameters == 3 * (6 + 8) + 8)
        #expect(cost.macs == 2 * 4 * 4 * 3 * (6 + 8))
        try CostChecks.expectCostMatchesForward(layer, input: randomTensor([2, 6, 8, 8], seed: 33))
        expectLayerError(["down (Conv2d)", "expected input [N, 6, H, W]"]) {
            _ = try layer(Tensor.zeros([1, 5, 4, 4]))
        }
    }

    @Test func rejectsFactorsThatAreNotPointwiseOrDoNotChain() throws {
        var random = generator(34)
        expectLayerError(["LowRankPointwiseConv2d", "1x1"]) {
            _ = try LowRankPointwiseConv2d(
                down: Conv2d(6, 3, kernelSize: 3, bias: false, using: &random),
                up: Conv2d(3, 8, kernelSize: 1, using: &random))
        }
        expectLayerError(["LowRankPointwiseConv2d", "do not chain"]) {
            _ = try LowRankPointwiseConv2d(
                down: Conv2d(6, 3, kernelSize: 1, bias: false, using: &random),
                up: Conv2d(4, 8, kernelSize: 1, using: &random))
        }
        expectLayerError(["LowRankPointwiseConv2d", "no bias"]) {
            _ = try LowRankPointwiseConv2d(
                down: Conv2d(6, 3, kernelSize: 1, using: &random), up: Conv2d(3, 8, kernelSize: 1, using: &random))
        }
        expectLayerError(["LowRankPointwiseConv2d", "rank must be in 1...2"]) {
            _ = try LowRankPointwiseConv2d(
                down: Conv2d(2, 3, kernelSize: 1, bias: false, using: &random),
                up: Conv2d(3, 8, kernelSize: 1, using: &random))
        }
    }

    @Test func inferenceFusionWithBatchNormAndReLUMatchesTheUnfusedChain() throws {
        let layer = try makeLayer()
        let norm = try BatchNorm2d(8)
        norm.runningMean = randomTensor([8], seed: 35)
        norm.runningVariance = randomTensor([8], seed: 36, in: 0.5..<2)
        let model = try Sequential([layer, norm, ReLU()])
        model.eval()
        let input = randomTensor([2, 6, 5, 5], seed: 37)
        expectClose(try model(input), try ReLU()(norm(layer(input))), tolerance: 1e-5, "fused")
    }

    @Test func descriptionIsCallSyntax() throws {
        #expect(try makeLayer().description == "LowRankPointwiseConv2d(6, 8, rank: 3)")
        #expect(
            try makeLayer(stride: 2, padding: 1, bias: false).description
                == "LowRankPointwiseConv2d(6, 8, rank: 3, stride: 2, padding: 1, bias: false)")
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        try GradientCheck.expectGradientsMatch(
            try makeLayer(stride: 2, padding: 1), input: randomTensor([2, 6, 5, 4], seed: 38))
    }
}
