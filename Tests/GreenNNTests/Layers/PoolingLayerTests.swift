import Testing

@testable import GreenNN

/// One pooling-layer configuration.
struct PoolingLayerCase: CustomStringConvertible, Sendable {
    var batch = 1, height = 7, width = 9
    var kernel: Size2D = 2, stride: Size2D? = nil, padding: Size2D = 0, dilation: Size2D = 1
    var ceilMode = false
    var description: String {
        "N\(batch) \(height)x\(width) k\(kernel) s\(stride.map(String.init(describing:)) ?? "=k") p\(padding) d\(dilation) ceil=\(ceilMode)"
    }
    var resolvedStride: Size2D { stride ?? kernel }
    var outputHeight: Int {
        Naive.outputSize(
            height, kernel: kernel.height, stride: resolvedStride.height, padding: padding.height,
            dilation: dilation.height, ceilMode: ceilMode)
    }
    var outputWidth: Int {
        Naive.outputSize(
            width, kernel: kernel.width, stride: resolvedStride.width, padding: padding.width, dilation: dilation.width,
            ceilMode: ceilMode)
    }
    var input: Tensor { randomTensor([batch, 2, height, width], seed: 41) }

    static let sweep: [PoolingLayerCase] = [
        PoolingLayerCase(),
        PoolingLayerCase(batch: 3, kernel: 3, stride: 2, padding: 1),
        PoolingLayerCase(batch: 3, kernel: 3, stride: 1, padding: 1),
        PoolingLayerCase(kernel: 3, stride: 2, ceilMode: true),
        PoolingLayerCase(batch: 3, kernel: 2, ceilMode: true),
        PoolingLayerCase(kernel: 3, stride: 2, padding: 1, ceilMode: true),
        PoolingLayerCase(
            batch: 3, kernel: Size2D(height: 2, width: 3), stride: Size2D(height: 1, width: 2),
            padding: Size2D(height: 1, width: 0)),
        PoolingLayerCase(kernel: 2, stride: 1, dilation: 2),
    ]
}

/// The pooling layers against `Naive.pool` and `Naive.adaptiveAvgPool`. Max is exact;
/// means of <= 63 values in [-1, 1] agree to 1e-6 relative.
@Suite struct PoolingLayerTests {
    @Test func tinyRampIsHandCheckable() throws {
        let ramp = rampTensor([1, 1, 4, 4])  // rows 0-3, 4-7, 8-11, 12-15
        #expect(try MaxPool2d(kernelSize: 2)(ramp).scalars == [5, 7, 13, 15])
        #expect(try AvgPool2d(kernelSize: 2)(ramp).scalars == [2.5, 4.5, 10.5, 12.5])
        #expect(try GlobalAvgPool2d()(ramp).scalars == [7.5])
    }

    @Test(arguments: PoolingLayerCase.sweep)
    func maxPoolMatchesNaiveReference(_ c: PoolingLayerCase) throws {
        let pool = try MaxPool2d(
            kernelSize: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode)
        let expected = Naive.pool(
            c.input, kernel: c.kernel, stride: c.resolvedStride, padding: c.padding, dilation: c.dilation,
            ceilMode: c.ceilMode,
            average: false)
        expectClose(try pool(c.input), expected, tolerance: 0, "\(c)")
    }

    @Test(arguments: PoolingLayerCase.sweep.filter { $0.dilation == 1 }, [true, false])
    func avgPoolMatchesNaiveReference(_ c: PoolingLayerCase, _ countIncludesPadding: Bool) throws {
        let pool = try AvgPool2d(
            kernelSize: c.kernel, stride: c.stride, padding: c.padding, countIncludesPadding: countIncludesPadding,
            ceilMode: c.ceilMode)
        let expected = Naive.pool(
            c.input, kernel: c.kernel, stride: c.resolvedStride, padding: c.padding, ceilMode: c.ceilMode,
            average: true,
            countIncludesPadding: countIncludesPadding)
        expectClose(try pool(c.input), expected, tolerance: 1e-6, "\(c) countIncludesPadding=\(countIncludesPadding)")
    }

    @Test(arguments: PoolingLayerCase.sweep)
    func maxPoolCostMatchesClosedForm(_ c: PoolingLayerCase) throws {
        let pool = try MaxPool2d(
            kernelSize: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode)
        let cost = try pool.cost(for: c.input.shape)
        let outputs = c.batch * 2 * c.outputHeight * c.outputWidth
        #expect(cost.output == [c.batch, 2, c.outputHeight, c.outputWidth], "\(c)")
        #expect(cost.macs == 0 && cost.parameters == 0 && cost.weightBytes == 0, "\(c)")
        #expect(cost.flops == outputs * (c.kernel.height * c.kernel.width - 1), "\(c)")
        #expect(cost.activationBytes == 4 * outputs, "\(c)")
        try CostChecks.expectCostMatchesForward(pool, input: c.input, "\(c)")
    }

    @Test(arguments: PoolingLayerCase.sweep.filter { $0.dilation == 1 })
    func avgPoolCostMatchesClosedForm(_ c: PoolingLayerCase) throws {
        let pool = try AvgPool2d(kernelSize: c.kernel, stride: c.stride, padding: c.padding, ceilMode: c.ceilMode)
        let cost = try pool.cost(for: c.input.shape)
        #expect(cost.output == [c.batch, 2, c.outputHeight, c.outputWidth], "\(c)")
        #expect(
            cost.macs == 0
                && cost.flops == c.batch * 2 * c.outputHeight * c.outputWidth * c.kernel.height * c.kernel.width, "\(c)"
        )
        try CostChecks.expectCostMatchesForward(pool, input: c.input, "\(c)")
    }

    @Test(arguments: [1, 3])
    func globalAvgPoolMeansEachPlane(_ batch: Int) throws {
        let input = randomTensor([batch, 3, 7, 9], seed: 42)
        let pool = GlobalAvgPool2d()
        expectClose(try pool(input), Naive.adaptiveAvgPool(input, height: 1, width: 1), tolerance: 1e-6, "N\(batch)")
        let cost = try pool.cost(for: input.shape)
        #expect(cost.output == [batch, 3, 1, 1] && cost.macs == 0 && cost.flops == batch * 3 * 7 * 9)
        try CostChecks.expectCostMatchesForward(pool, input: input)
    }

    @Test(arguments: [
        Size2D(1), Size2D(3), Size2D(height: 2, width: 4), Size2D(height: 7, width: 9), Size2D(height: 5, width: 6),
    ])
    func adaptiveAvgPoolMatchesNaiveReference(_ size: Size2D) throws {
        let input = randomTensor([3, 2, 7, 9], seed: 43)
        let pool = try AdaptiveAvgPool2d(outputSize: size)
        expectClose(
            try pool(input), Naive.adaptiveAvgPool(input, height: size.height, width: size.width), tolerance: 1e-6,
            "\(size)")
        // FLOPs: one per input cell each window reads.
        func cells(_ inputSize: Int, _ outputSize: Int) -> Int {
            (0..<outputSize).reduce(0) { total, i in
                let start = Int((Double(i * inputSize) / Double(outputSize)).rounded(.down))
                let end = Int((Double((i + 1) * inputSize) / Double(outputSize)).rounded(.up))
                return total + end - start
            }
        }
        let cost = try pool.cost(for: input.shape)
        #expect(cost.flops == 3 * 2 * cells(7, size.height) * cells(9, size.width), "\(size)")
        try CostChecks.expectCostMatchesForward(pool, input: input, "\(size)")
    }

    @Test(arguments: [Float(0.5), 0.75, 0.3, 1])
    func areaResampleAveragesToTheFlooredSize(_ scale: Float) throws {
        let input = randomTensor([3, 2, 7, 9], seed: 44)
        let resample = try AreaResample(scale: scale)
        let (height, width) = (
            max(1, Int((7 * Double(scale)).rounded(.down))), max(1, Int((9 * Double(scale)).rounded(.down)))
        )
        let output = try resample(input)
        #expect(output.shape == [3, 2, height, width], "scale \(scale)")
        expectClose(
            output, Naive.adaptiveAvgPool(input, height: height, width: width), tolerance: 1e-6, "scale \(scale)")
        let cost = try resample.cost(for: input.shape)
        #expect(cost.kind == "AreaResample" && cost.macs == 0)
        if scale == 1 { #expect(cost.flops == 0 && cost.activationBytes == 0) }
        try CostChecks.expectCostMatchesForward(resample, input: input, "scale \(scale)")
    }

    @Test func rejectsInvalidConfigurations() {
        expectLayerError(["MaxPool2d", "padding (2)", "at most half the kernel size (3)"]) {
            _ = try MaxPool2d(kernelSize: 3, padding: 2)
        }
        expectLayerError(["AvgPool2d", "padding (2)", "at most half the kernel size (3)"]) {
            _ = try AvgPool2d(kernelSize: 3, padding: 2)
        }
        expectLayerError(["MaxPool2d", "kernelSize must be >= 1, got 0"]) { _ = try MaxPool2d(kernelSize: 0) }
        expectLayerError(["AvgPool2d", "stride must be >= 1, got 0"]) { _ = try AvgPool2d(kernelSize: 2, stride: 0) }
        expectLayerError(["AdaptiveAvgPool2d", "outputSize must be >= 1, got 0"]) {
            _ = try AdaptiveAvgPool2d(outputSize: 0)
        }
        expectLayerError(["AreaResample", "scale must be in (0, 1], got 0.0"]) { _ = try AreaResample(scale: 0) }
        expectLayerError(["AreaResample", "scale must be in (0, 1], got 1.5"]) { _ = try AreaResample(scale: 1.5) }
    }

    @Test func rejectsWindowLargerThanPaddedInput() throws {
        let small = randomTensor([1, 2, 3, 4], seed: 1)
        let maxPool = try MaxPool2d(kernelSize: 5), avgPool = try AvgPool2d(kernelSize: 5)
        expectLayerError(["MaxPool2d", "kernel 5", "larger than the padded input 3x4"]) { _ = try maxPool(small) }
        expectLayerError(["MaxPool2d", "kernel 5", "larger than the padded input 3x4"]) {
            _ = try maxPool.cost(for: small.shape)
        }
        expectLayerError(["AvgPool2d", "kernel 5", "larger than the padded input 3x4"]) { _ = try avgPool(small) }
        expectLayerError(["AvgPool2d", "kernel 5", "larger than the padded input 3x4"]) {
            _ = try avgPool.cost(for: small.shape)
        }
    }

    @Test func rejectsWrongRank() throws {
        let flat = randomTensor([2, 6], seed: 1)
        expectLayerError([], startingWith: "MaxPool2d: expected input [N, C, H, W], got [2, 6]") {
            _ = try MaxPool2d(kernelSize: 2)(flat)
        }
        expectLayerError([], startingWith: "AvgPool2d: expected input [N, C, H, W], got [2, 6]") {
            _ = try AvgPool2d(kernelSize: 2)(flat)
        }
        expectLayerError([], startingWith: "GlobalAvgPool2d: expected input [N, C, H, W], got [2, 6]") {
            _ = try GlobalAvgPool2d()(flat)
        }
        expectLayerError([], startingWith: "AdaptiveAvgPool2d: expected input [N, C, H, W], got [2, 6]") {
            _ = try AdaptiveAvgPool2d(outputSize: 2)(flat)
        }
        expectLayerError(["GlobalAvgPool2d", "H, W >= 1", "[1, 2, 0, 3]"]) {
            _ = try GlobalAvgPool2d().cost(for: [1, 2, 0, 3])
        }
    }

    @Test func descriptionShowsOnlyNonDefaultArguments() throws {
        #expect(try MaxPool2d(kernelSize: 2).description == "MaxPool2d(kernelSize: 2)")
        #expect(
            try MaxPool2d(kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true).description
                == "MaxPool2d(kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true)")
        #expect(try AvgPool2d(kernelSize: 2, stride: 2).description == "AvgPool2d(kernelSize: 2)")
        #expect(
            try AvgPool2d(kernelSize: 3, stride: 1, padding: 1, countIncludesPadding: false, ceilMode: true).description
                == "AvgPool2d(kernelSize: 3, stride: 1, padding: 1, countIncludesPadding: false, ceilMode: true)")
        #expect(GlobalAvgPool2d().description == "GlobalAvgPool2d()")
        #expect(try AdaptiveAvgPool2d(outputSize: 7).description == "AdaptiveAvgPool2d(outputSize: 7)")
        #expect(try AreaResample(scale: 0.75).description == "AreaResample(scale: 0.75)")
    }
}
