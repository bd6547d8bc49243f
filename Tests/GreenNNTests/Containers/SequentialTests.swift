import Testing

@testable import GreenNN

/// LeNet-5 as in the GreenModels zoo, built here from layers (LeCun et al. 1998, with ReLU
/// and max pooling): 61,706 parameters and 416,520 MACs on 1x28x28.
func makeLeNet5(seed: UInt64 = 141) throws -> Sequential {
    var random = generator(seed)
    return try Sequential {
        try Conv2d(1, 6, kernelSize: 5, padding: 2, using: &random)
        ReLU()
        try MaxPool2d(kernelSize: 2)
        try Conv2d(6, 16, kernelSize: 5, using: &random)
        ReLU()
        try MaxPool2d(kernelSize: 2)
        Flatten()
        try Linear(400, 120, using: &random)
        ReLU()
        try Linear(120, 84, using: &random)
        ReLU()
        try Linear(84, 10, using: &random)
    }
}

/// `Sequential`: forward is the composition of its children, cost is their sum with shared
/// parameters counted once, errors carry the child's path, and printing shows the tree.
@Suite struct SequentialTests {
    @Test(arguments: [1, 3])
    func forwardMatchesTheComposedReference(_ batch: Int) throws {
        let model = try makeLeNet5()
        let input = randomTensor([batch, 1, 28, 28], seed: 142)
        let conv1 = model.layers[0] as! Conv2d, conv2 = model.layers[3] as! Conv2d
        let fc = [7, 9, 11].map { model.layers[$0] as! Linear }
        var x = Naive.relu(Naive.conv2d(input, weight: conv1.weight.value, bias: conv1.bias?.value, padding: 2))
        x = Naive.pool(x, kernel: 2, stride: 2, average: false)
        x = Naive.relu(Naive.conv2d(x, weight: conv2.weight.value, bias: conv2.bias?.value))
        x = Naive.pool(x, kernel: 2, stride: 2, average: false)
        x = Naive.tensor([batch, 400], x.scalars)
        x = Naive.relu(Naive.linear(x, weight: fc[0].weight.value, bias: fc[0].bias?.value))
        x = Naive.relu(Naive.linear(x, weight: fc[1].weight.value, bias: fc[1].bias?.value))
        x = Naive.linear(x, weight: fc[2].weight.value, bias: fc[2].bias?.value)
        expectClose(try model(input), x, tolerance: 1e-4, "LeNet-5 N\(batch)")
    }

    @Test func leNet5HasThePublishedCounts() throws {
        let model = try makeLeNet5()
        let cost = try model.cost(for: [1, 1, 28, 28])
        #expect(cost.parameters == 61_706 && model.parameterCount == 61_706)
        #expect(cost.macs == 416_520)
        // FLOPs: 2·MACs, plus one bias add per conv/linear output, one per ReLU output and
        // three compares per 2x2 max-pool output.
        let biasAdds = 6 * 28 * 28 + 16 * 10 * 10 + 120 + 84 + 10
        let reluOutputs = 6 * 28 * 28 + 16 * 10 * 10 + 120 + 84
        let poolCompares = 3 * (6 * 14 * 14 + 16 * 5 * 5)
        #expect(cost.flops == 2 * 416_520 + biasAdds + reluOutputs + poolCompares)
        #expect(cost.output == [1, 10] && cost.weightBytes == 4 * 61_706)
        #expect(cost.children.map(\.macs) == [117_600, 0, 0, 240_000, 0, 0, 0, 48_000, 0, 10_080, 0, 840])
        #expect(try model.cost(for: [3, 1, 28, 28]).macs == 3 * 416_520)
        CostChecks.expectCompositeRowsSumTheirChildren(cost)
        try CostChecks.expectCostMatchesForward(model, input: randomTensor([3, 1, 28, 28], seed: 143))
    }

    @Test func theSameLayerTwiceCountsItsParametersOnce() throws {
        var random = generator(144)
        let conv = try Conv2d(4, 4, kernelSize: 3, padding: 1, using: &random)
        let model = try Sequential {
            conv; ReLU(); conv
        }
        let input: Shape = [1, 4, 7, 9]
        let cost = try model.cost(for: input)
        let once = try conv.cost(for: input)
        #expect(model.parameters.map(\.name) == ["0.weight", "0.bias"])
        #expect(model.parameterCount == 4 * 4 * 9 + 4 && cost.parameters == model.parameterCount)
        #expect(cost.weightBytes == 4 * model.parameterCount)
        #expect(cost.macs == 2 * once.macs)
        #expect(cost.flops == 2 * once.flops + 4 * 7 * 9)
        let x = randomTensor([1, 4, 7, 9], seed: 145)
        expectClose(try model(x), try conv(ReLU()(conv(x))), tolerance: 0)
    }

    /// Buffers (BatchNorm's running statistics) of a layer used twice are read from one
    /// place, like its parameters: weight bytes count them once.
    @Test func theSameBatchNormTwiceCountsItsBuffersOnce() throws {
        let norm = try BatchNorm2d(4)
        let model = try Sequential {
            norm; ReLU(); norm
        }
        let cost = try model.cost(for: [1, 4, 7, 9])
        #expect(cost.parameters == 8)
        #expect(cost.weightBytes == 4 * 4 * 4, "γ, β, mean, variance once: got \(cost.weightBytes)")
    }

    @Test func parameterPathsReadLikeAStateDict() throws {
        var random = generator(146)
        let model = try Sequential {
            try Conv2d(3, 6, kernelSize: 1, using: &random)
            try Sequential {
                ReLU(); try DepthwiseSeparableConv2d(6, 8, batchNorm: true, using: &random)
            }
            Flatten()
        }
        #expect(
            model.parameters.map(\.name) == [
                "0.weight", "0.bias", "1.1.depthwise.weight", "1.1.depthwiseNorm.weight", "1.1.depthwiseNorm.bias",
                "1.1.pointwise.weight", "1.1.pointwiseNorm.weight", "1.1.pointwiseNorm.bias",
            ])
        let cost = try model.cost(for: [1, 3, 7, 9])
        #expect(
            cost.children[1].children[1].children.map(\.name) == [
                "1.1.depthwise", "1.1.depthwiseNorm", "1.1.pointwise", "1.1.pointwiseNorm",
            ])
        CostChecks.expectCompositeRowsSumTheirChildren(cost)
    }

    @Test func wrongChannelsNameTheChildThatFailed() throws {
        let model = try Sequential {
            try Conv2d(3, 4, kernelSize: 3)
            ReLU()
            try Conv2d(6, 8, kernelSize: 3)
        }
        let input = randomTensor([1, 3, 7, 9], seed: 147)
        let error = expectLayerError([], startingWith: "2 (Conv2d): expected input [N, 6, H, W], got") {
            _ = try model(input)
        }
        #expect(error?.description == "2 (Conv2d): expected input [N, 6, H, W], got [1, 4, 5, 7]")
        #expect(error?.path == "2" && error?.kind == "Conv2d")
        expectLayerError([], startingWith: "2 (Conv2d): expected input [N, 6, H, W], got [1, 4, 5, 7]") {
            _ = try model.cost(for: input.shape)
        }
    }

    @Test func nestedErrorsCarryTheDottedPath() throws {
        let block = try DepthwiseSeparableConv2d(6, 16)
        let model = try Sequential {
            try Conv2d(3, 8, kernelSize: 1); block
        }
        let input = randomTensor([1, 3, 7, 9], seed: 148)
        expectLayerError(
            [], startingWith: "1.depthwise (DepthwiseConv2d): expected input [N, 6, H, W], got [1, 8, 7, 9]"
        ) {
            _ = try model(input)
        }
        expectLayerError(
            [], startingWith: "1.depthwise (DepthwiseConv2d): expected input [N, 6, H, W], got [1, 8, 7, 9]"
        ) {
            _ = try model.cost(for: input.shape)
        }
        // A tensor-level failure deep inside (a pointwise weight replaced by one of the wrong
        // shape) is reported with the same dotted path.
        let fitting = try Sequential {
            try Conv2d(3, 6, kernelSize: 1); block
        }
        block.pointwise.weight.value = try Tensor.zeros([16, 5, 1, 1])
        expectLayerError(["[16, 5, 1, 1]"], startingWith: "1.pointwise (Conv2d): ") { _ = try fitting(input) }
        let outer = try Sequential {
            ReLU(); fitting
        }
        expectLayerError([], startingWith: "1.1.pointwise (Conv2d): ") { _ = try outer(input) }
    }

    @Test func trainAndEvalReachEveryLayer() throws {
        let model = try Sequential {
            try Conv2d(3, 4, kernelSize: 1)
            try Sequential {
                try DepthwiseSeparableConv2d(4, 4, batchNorm: true); try Dropout(probability: 0.5)
            }
        }
        func everyLayer(_ layer: any Layer) -> [any Layer] { [layer] + layer.children.flatMap { everyLayer($0.layer) } }
        #expect(everyLayer(model).count == 9)
        model.train()
        #expect(everyLayer(model).allSatisfy { $0.isTraining })
        model.eval()
        #expect(everyLayer(model).allSatisfy { !$0.isTraining })
    }

    @Test func descriptionIsTheTree() throws {
        var random = generator(149)
        let model = try Sequential {
            try Conv2d(1, 6, kernelSize: 5, padding: 2, using: &random)
            ReLU()
            try MaxPool2d(kernelSize: 2)
            try DepthwiseSeparableConv2d(6, 8, batchNorm: true, activation: .relu6, using: &random)
            Flatten()
            try Linear(1568, 10, using: &random)
        }
        #expect(
            model.description == """
                Sequential(
                  (0): Conv2d(1, 6, kernelSize: 5, padding: 2)
                  (1): ReLU()
                  (2): MaxPool2d(kernelSize: 2)
                  (3): DepthwiseSeparableConv2d(6, 8, batchNorm: true, activation: .relu6) {
                    (depthwise): DepthwiseConv2d(6, kernelSize: 3, padding: 1, bias: false)
                    (depthwiseNorm): BatchNorm2d(6)
                    (depthwiseActivation): ReLU6()
                    (pointwise): Conv2d(6, 8, kernelSize: 1, bias: false)
                    (pointwiseNorm): BatchNorm2d(8)
                    (pointwiseActivation): ReLU6()
                  }
                  (4): Flatten()
                  (5): Linear(1568, 10)
                )
                """)
        #expect(try model(randomTensor([1, 1, 28, 28], seed: 150)).shape == [1, 10])
    }

    @Test func builderSplicesLoopsAndConditionals() throws {
        let deep = true
        let model = try Sequential {
            for channels in [4, 8] { try Conv2d(channels == 4 ? 3 : 4, channels, kernelSize: 1) }
            if deep { ReLU() } else { ReLU6() }
            if !deep { Flatten() }
            [GlobalAvgPool2d(), Flatten()] as [any Layer]
        }
        #expect(model.layers.map(\.kind) == ["Conv2d", "Conv2d", "ReLU", "GlobalAvgPool2d", "Flatten"])
        #expect(try model(randomTensor([3, 3, 7, 9], seed: 151)).shape == [3, 8])
    }

    @Test func rejectsAnEmptyChain() {
        expectLayerError(["Sequential", "needs at least one layer"]) { _ = try Sequential([]) }
    }
}
