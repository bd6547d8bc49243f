import Testing

@testable import GreenNN

/// One `FlattenedConv2d` configuration.
struct FlattenedCase: CustomStringConvertible, Sendable {
    var batch = 1, inputChannels = 3, outputChannels = 4, height = 7, width = 9
    var kernel = 3, stride = 1, padding = 0
    var bias = true
    var description: String {
        "N\(batch) C\(inputChannels)->\(outputChannels) \(height)x\(width) k\(kernel) s\(stride) p\(padding) bias=\(bias)"
    }
    var outputHeight: Int { Naive.outputSize(height, kernel: kernel, stride: stride, padding: padding) }
    var outputWidth: Int { Naive.outputSize(width, kernel: kernel, stride: stride, padding: padding) }

    static let sweep: [FlattenedCase] = [
        FlattenedCase(), FlattenedCase(batch: 3, padding: 1),
        FlattenedCase(batch: 3, stride: 2, padding: 1, bias: false),
        FlattenedCase(batch: 1, inputChannels: 5, outputChannels: 2, kernel: 5, stride: 2, padding: 2),
        FlattenedCase(batch: 3, kernel: 1),
    ]

    func makeLayer(seed: UInt64 = 101) throws -> FlattenedConv2d {
        var random = generator(seed)
        return try FlattenedConv2d(
            inputChannels, outputChannels, kernelSize: kernel, stride: stride, padding: padding, bias: bias,
            using: &random)
    }
}

/// The flattened conv against lateral 1x1 → vertical k x 1 → horizontal 1 x k, each by
/// `Naive.conv2d` with the block's own weights (the 1-D stages as `groups = O` convs).
/// Tolerance 1e-5 relative.
@Suite struct FlattenedConv2dTests {
    @Test(arguments: FlattenedCase.sweep)
    func forwardMatchesNaiveReference(_ c: FlattenedCase) throws {
        let block = try c.makeLayer()
        let lateral = try CostChecks.child(block, "lateral", as: Conv2d.self)
        let vertical = try CostChecks.child(block, "vertical", as: DepthwiseConv2d.self)
        let horizontal = try CostChecks.child(block, "horizontal", as: DepthwiseConv2d.self)
        #expect(
            vertical.kernelSize == Size2D(height: c.kernel, width: 1)
                && horizontal.kernelSize == Size2D(height: 1, width: c.kernel))
        let input = randomTensor([c.batch, c.inputChannels, c.height, c.width], seed: 102)
        var x = Naive.conv2d(input, weight: lateral.weight.value, bias: lateral.bias?.value)
        x = Naive.conv2d(
            x, weight: vertical.weight.value, bias: vertical.bias?.value, stride: Size2D(height: c.stride, width: 1),
            padding: Size2D(height: c.padding, width: 0), groups: c.outputChannels)
        x = Naive.conv2d(
            x, weight: horizontal.weight.value, bias: horizontal.bias?.value,
            stride: Size2D(height: 1, width: c.stride),
            padding: Size2D(height: 0, width: c.padding), groups: c.outputChannels)
        let output = try block(input)
        #expect(
            output.shape == [c.batch, c.outputChannels, c.outputHeight, c.outputWidth], "the k x k conv's output size")
        expectClose(output, x, tolerance: 1e-5, "\(c)")
    }

    @Test(arguments: FlattenedCase.sweep)
    func costMatchesClosedForm(_ c: FlattenedCase) throws {
        let block = try c.makeLayer()
        let input: Shape = [c.batch, c.inputChannels, c.height, c.width]
        let cost = try block.cost(for: input)
        let (o, k, h, w) = (c.outputChannels, c.kernel, c.height, c.width)
        let macs = c.batch * o * (h * w * c.inputChannels + c.outputHeight * w * k + c.outputHeight * c.outputWidth * k)
        let parameters = o * (c.inputChannels + 2 * k) + (c.bias ? 3 * o : 0)
        let biasAdds = c.bias ? c.batch * o * (h * w + c.outputHeight * w + c.outputHeight * c.outputWidth) : 0
        #expect(cost.output == [c.batch, o, c.outputHeight, c.outputWidth], "\(c)")
        #expect(cost.macs == macs, "\(c)")
        #expect(cost.flops == 2 * macs + biasAdds, "\(c)")
        #expect(cost.parameters == parameters && cost.weightBytes == 4 * parameters, "\(c)")
        #expect(cost.children.map(\.name) == ["lateral", "vertical", "horizontal"])
        CostChecks.expectCompositeRowsSumTheirChildren(cost)
        try CostChecks.expectCostMatchesForward(block, input: randomTensor(input, seed: 103), "\(c)")
        try CostChecks.expectParameterCountsAgree(block, input: input, "\(c)")
    }

    @Test func rejectsInvalidConfigurations() {
        expectLayerError(["FlattenedConv2d", "kernelSize must be >= 1, got 0"]) {
            _ = try FlattenedConv2d(3, 4, kernelSize: 0)
        }
        expectLayerError(["FlattenedConv2d", "stride must be >= 1, got 0"]) {
            _ = try FlattenedConv2d(3, 4, kernelSize: 3, stride: 0)
        }
        expectLayerError(["FlattenedConv2d", "padding must be >= 0, got -1"]) {
            _ = try FlattenedConv2d(3, 4, kernelSize: 3, padding: -1)
        }
    }

    /// A configuration error names the block the caller built, and the value.
    @Test func rejectsZeroChannelsNamingTheBlock() {
        expectLayerError(["FlattenedConv2d", "got 0"]) { _ = try FlattenedConv2d(0, 4, kernelSize: 3) }
        expectLayerError(["FlattenedConv2d", "got 0"]) { _ = try FlattenedConv2d(3, 0, kernelSize: 3) }
    }

    @Test func rejectsWrongInputWithTheStagePath() throws {
        let block = try FlattenedCase().makeLayer()
        expectLayerError([], startingWith: "lateral (Conv2d): expected input [N, 3, H, W], got [1, 4, 7, 9]") {
            _ = try block(randomTensor([1, 4, 7, 9], seed: 1))
        }
        expectLayerError(["vertical (DepthwiseConv2d)", "kernel (3, 1)", "larger than the padded input 2x9"]) {
            _ = try block.cost(for: [1, 3, 2, 9])
        }
    }

    @Test func descriptionIsCallSyntax() throws {
        #expect(
            try FlattenedConv2d(128, 128, kernelSize: 3, padding: 1).description
                == "FlattenedConv2d(128, 128, kernelSize: 3, padding: 1)")
        #expect(
            try FlattenedConv2d(8, 16, kernelSize: 5, stride: 2).description
                == "FlattenedConv2d(8, 16, kernelSize: 5, stride: 2)")
        #expect(
            try FlattenedConv2d(8, 16, kernelSize: 3, bias: false).description
                == "FlattenedConv2d(8, 16, kernelSize: 3, bias: false)")
    }
}
