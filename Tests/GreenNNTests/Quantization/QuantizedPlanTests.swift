import Testing

@testable import GreenNN

/// Quantized plans against their float models: one conv, depthwise conv and linear layer within
/// the error their scales imply (input rounding, weight rounding, output rounding), max and
/// average pools within half a step of each rounding they carry, whole networks within
/// a few percent with the same top-1, identical codes from every int8 instruction set, the
/// calibrated input range, no allocation after the first call, and the errors.
@Suite struct QuantizedPlanTests {
    static func batches(_ shape: Shape, count: Int, seed: UInt64) -> [Tensor] {
        (0..<count).map { randomTensor(shape, seed: seed + UInt64($0)) }
    }

    /// |ŷ − y| for one output of Σ w·x + b, quantized: half an input step times Σ|w|, half a
    /// weight step times Σ|x̂|, half an output step, and float rounding.
    static func bound(weights: ArraySlice<Float>, inputs: [Float], inputScale: Float, outputScale: Float) -> Float {
        let weightScale = (weights.map(abs).max() ?? 0) / 127
        let weightTerm = weights.reduce(0) { $0 + abs($1) } * inputScale / 2
        let inputTerm = inputs.reduce(0) { $0 + abs($1) + inputScale / 2 } * weightScale / 2
        return weightTerm + inputTerm + outputScale / 2 + 1e-4
    }

    @Test func aConvolutionStaysWithinTheBoundItsScalesImply() throws {
        var random = generator(801)
        let conv = try Conv2d(3, 5, kernelSize: 3, padding: 1, using: &random)
        let model = try Sequential { conv }
        model.eval()
        let input = randomTensor([2, 3, 6, 7], seed: 802)
        let plan = try model.quantized(calibratingOn: [input], method: .minMax).inferencePlan(for: input.shape)
        let (quantized, float) = (try plan(input), try model(input))
        let (inputScale, outputScale) = (plan.inputQuantization.scale, plan.outputQuantization.scale)
        let weights = conv.weight.value.scalars
        let x = input.scalars
        for n in 0..<2 {
            for o in 0..<5 {
                for y in 0..<6 {
                    for x0 in 0..<7 {
                        var window: [Float] = []
                        for c in 0..<3 {
                            for ky in -1...1 {
                                for kx in -1...1 {
                                    let (yy, xx) = (y + ky, x0 + kx)
                                    window.append(
                                        yy >= 0 && yy < 6 && xx >= 0 && xx < 7 ? x[((n * 3 + c) * 6 + yy) * 7 + xx] : 0)
                                }
                            }
                        }
                        let index = ((n * 5 + o) * 6 + y) * 7 + x0
                        let limit = Self.bound(
                            weights: weights[o * 27..<(o + 1) * 27], inputs: window, inputScale: inputScale,
                            outputScale: outputScale)
                        #expect(abs(quantized.scalars[index] - float.scalars[index]) <= limit, "\(n) \(o) \(y) \(x0)")
                    }
                }
            }
        }
    }

    @Test(arguments: [1, 4])
    func aLinearLayerStaysWithinTheBoundItsScalesImply(_ batch: Int) throws {
        var random = generator(810)
        let linear = try Linear(40, 12, using: &random)
        let model = try Sequential { linear }
        model.eval()
        let input = randomTensor([batch, 40], seed: 811)
        let plan = try model.quantized(calibratingOn: [input], method: .minMax).inferencePlan(for: input.shape)
        let (quantized, float) = (try plan(input), try model(input))
        let weights = linear.weight.value.scalars
        for n in 0..<batch {
            for o in 0..<12 {
                let limit = Self.bound(
                    weights: weights[o * 40..<(o + 1) * 40], inputs: Array(input.scalars[n * 40..<(n + 1) * 40]),
                    inputScale: plan.inputQuantization.scale, outputScale: plan.outputQuantization.scale)
                #expect(abs(quantized.scalars[n * 12 + o] - float.scalars[n * 12 + o]) <= limit)
            }
        }
        #expect(plan.steps.map(\.kernel).allSatisfy { $0.hasPrefix("int8 gemm") })
    }

    /// Each channel's 3x3 window against its own filter: the bound of `bound` over 9 products.
    @Test func aDepthwiseConvolutionStaysWithinTheBoundItsScalesImply() throws {
        var random = generator(850)
        let conv = try DepthwiseConv2d(4, kernelSize: 3, padding: 1, using: &random)
        let model = try Sequential { conv }
        model.eval()
        let (height, width) = (5, 6)
        let input = randomTensor([2, 4, height, width], seed: 851)
        let plan = try model.quantized(calibratingOn: [input], method: .minMax).inferencePlan(for: input.shape)
        #expect(plan.steps.map(\.kernel).allSatisfy { $0.hasPrefix("int8 depthwise") })
        let (quantized, float) = (try plan(input), try model(input))
        let (weights, x) = (conv.weight.value.scalars, input.scalars)
        for plane in 0..<8 {
            let channel = plane % 4
            for y in 0..<height {
                for x0 in 0..<width {
                    var window: [Float] = []
                    for ky in -1...1 {
                        for kx in -1...1 {
                            let (yy, xx) = (y + ky, x0 + kx)
                            let inside = yy >= 0 && yy < height && xx >= 0 && xx < width
                            window.append(inside ? x[(plane * height + yy) * width + xx] : 0)
                        }
                    }
                    let index = (plane * height + y) * width + x0
                    let limit = Self.bound(
                        weights: weights[channel * 9..<(channel + 1) * 9], inputs: window,
                        inputScale: plan.inputQuantization.scale, outputScale: plan.outputQuantization.scale)
                    #expect(abs(quantized.scalars[index] - float.scalars[index]) <= limit, "\(plane) \(y) \(x0)")
                }
            }
        }
    }

    /// A depthwise filter of 23x23 (529 taps) could sum past 2^24, where floats stop holding the
    /// int32 sums exactly: planning it is a typed error naming the layer; 22x22 (484) plans.
    @Test func aDepthwiseFilterTooLargeToSumExactlyIsATypedError() throws {
        var random = generator(853)
        for (kernel, plans) in [(22, true), (23, false)] {
            let model = try Sequential { try DepthwiseConv2d(2, kernelSize: Size2D(kernel), using: &random) }
            model.eval()
            let input = randomTensor([1, 2, 24, 24], seed: 854)
            let quantized = try model.quantized(calibratingOn: [input], method: .minMax)
            if plans {
                _ = try quantized.inferencePlan(for: input.shape)
            } else {
                let error = try #require(throws: LayerError.self) { try quantized.inferencePlan(for: input.shape) }
                #expect(error.path == "0" && error.description.contains("at most 518 taps"), "\(error)")
            }
        }
    }

    /// Max pooling keeps its input's scale, so it only carries the input's rounding (half a
    /// step); average pooling adds one rounding of its output (half an output step) to the
    /// mean of input roundings (at most half an input step).
    @Test func poolsStayWithinHalfAStepOfEachRounding() throws {
        let input = randomTensor([2, 3, 6, 7], seed: 860)
        for (name, pool) in [
            ("max", try MaxPool2d(kernelSize: 3, stride: 2, padding: 1) as any Layer),
            ("average", try AvgPool2d(kernelSize: 2, stride: 2) as any Layer),
        ] {
            let model = try Sequential { pool }
            let plan = try model.quantized(calibratingOn: [input], method: .minMax).inferencePlan(for: input.shape)
            let (quantized, float) = (try plan(input), try model(input))
            let (inputStep, outputStep) = (plan.inputQuantization.scale, plan.outputQuantization.scale)
            let limit = name == "max" ? inputStep / 2 + 1e-5 : inputStep / 2 + outputStep / 2 + 1e-5
            let error = zip(quantized.scalars, float.scalars).map { abs($0 - $1) }.max()!
            #expect(error <= limit, "\(name): \(error) > \(limit)")
        }
    }

    /// The planned network of `InferencePlanTests` (BatchNorm, depthwise-separable with ReLU6,
    /// Fire, branches, max and average pools, linear) plus a residual block.
    static func makeNetwork() throws -> Sequential {
        var random = generator(820)
        return try Sequential {
            try InferencePlanTests.makeNetwork(seed: 821)
            try Linear(10, 16, using: &random)
            try Residual(
                body: [NamedLayer("linear", try Linear(16, 16, using: &random)), NamedLayer("relu", ReLU())],
                shortcut: .identity, activation: .relu)
            try Linear(16, 6, using: &random)
        }
    }

    @Test func aNetworkKeepsItsOutputsAndTopOne() throws {
        let model = try Self.makeNetwork()
        model.eval()
        let quantized = try model.quantized(calibratingOn: Self.batches([8, 3, 10, 14], count: 4, seed: 830))
        #expect(quantized.calibrationImages == 32)
        let input = randomTensor([8, 3, 10, 14], seed: 840)
        let plan = try quantized.inferencePlan(for: input.shape)
        let (q, f) = (try plan(input), try model(input))
        let largest = f.scalars.map(abs).max()!
        let error = zip(q.scalars, f.scalars).map { abs($0 - $1) }.max()! / largest
        #expect(error < 0.08, "relative error \(error)")
        #expect(plan.modelMACs == (try model.cost(for: input.shape)).macs)
        #expect(plan.steps.allSatisfy { $0.kernel.hasPrefix("int8") })
        #expect(plan.steps.contains { $0.kernel.hasPrefix("int8 depthwise") })
        #expect(plan.steps.contains { $0.kernel.hasPrefix("int8 add") })
        #expect(plan.steps.contains { $0.kernel.hasPrefix("int8 max pool") })
    }

    /// A pool writing into a concatenation takes the concatenation's scale, not its input's: here
    /// the conv branch spans about ±40 and the pooled input ±1, so pooled codes read in the wrong
    /// scale would be off by a factor of about 40.
    @Test func aPoolInsideAConcatenationIsRequantized() throws {
        var random = generator(845)
        let conv = try Conv2d(2, 3, kernelSize: 1, using: &random)
        conv.weight.value = try Tensor(
            shape: conv.weight.value.shape, scalars: conv.weight.value.scalars.map { $0 * 40 })
        let model = try Sequential {
            try Branches {
                conv
                try MaxPool2d(kernelSize: 3, stride: 1, padding: 1)
            }
        }
        model.eval()
        let input = randomTensor([2, 2, 6, 7], seed: 846)
        let plan = try model.quantized(calibratingOn: [input], method: .minMax).inferencePlan(for: input.shape)
        let (quantized, float) = (try plan(input), try model(input))
        // One output step (the concatenation's scale, ~80/255) and one input step of rounding.
        let limit = plan.outputQuantization.scale + plan.inputQuantization.scale
        let largest = zip(quantized.scalars, float.scalars).map { abs($0 - $1) }.max()!
        #expect(largest <= limit, "max |diff| \(largest) against \(limit)")
        #expect(plan.steps.contains { $0.kernel == "int8 max pool" })
    }

    @Test func everyInstructionSetWritesTheSameCodes() throws {
        let model = try Self.makeNetwork()
        model.eval()
        let quantized = try model.quantized(calibratingOn: Self.batches([2, 3, 10, 14], count: 2, seed: 850))
        let input = randomTensor([2, 3, 10, 14], seed: 851)
        let outputs = try Int8InstructionSet.supported.map {
            try quantized.inferencePlan(for: input.shape, instructionSet: $0)(input)
        }
        for (index, output) in outputs.enumerated() {
            #expect(output.scalars == outputs[0].scalars, "\(Int8InstructionSet.supported[index])")
        }
    }

    @Test func calibrationCoversWhatItSaw() throws {
        var random = generator(860)
        let model = try Sequential {
            try Conv2d(2, 3, kernelSize: 1, using: &random); ReLU()
        }
        model.eval()
        let batches = Self.batches([3, 2, 4, 4], count: 3, seed: 861)
        let all = batches.flatMap(\.scalars)
        let plan = try model.quantized(calibratingOn: batches, method: .minMax).inferencePlan(for: [1, 2, 4, 4])
        #expect(plan.inputQuantization == QuantizationParameters(covering: all.min()!, all.max()!))
        #expect(plan.outputQuantization.zeroPoint == 0, "a ReLU's output range starts at 0")
        let percentile = try model.quantized(calibratingOn: batches, method: .percentile(90)).inferencePlan(for: [
            1, 2, 4, 4,
        ])
        #expect(percentile.inputQuantization.scale < plan.inputQuantization.scale)
    }

    @Test func aCallAllocatesNothingAfterTheFirst() throws {
        let model = try InferencePlanTests.makeNetwork(seed: 870)
        model.eval()
        let input = randomTensor([2, 3, 10, 14], seed: 871)
        let plan = try model.quantized(calibratingOn: [input]).inferencePlan(for: input.shape)
        var output = try Tensor.zeros(plan.outputShape)
        try plan.run(input, into: &output)
        let first = output.scalars
        #expect(try someCallAllocatesNothing { try plan.run(input, into: &output) })
        #expect(output.scalars == first)
    }

    @Test func anOpaqueLayerRunsBetweenDequantizeAndQuantize() throws {
        var random = generator(880)
        let model = try Sequential {
            try Conv2d(2, 4, kernelSize: 3, padding: 1, using: &random)
            Softmax()
        }
        let input = randomTensor([2, 2, 5, 5], seed: 881)
        let plan = try model.quantized(calibratingOn: [input], method: .minMax).inferencePlan(for: input.shape)
        #expect(plan.steps.map(\.kernel).last == "dequantize+forward+quantize")
        let (q, f) = (try plan(input), try model(input))
        #expect(zip(q.scalars, f.scalars).allSatisfy { abs($0 - $1) < 0.02 })
    }

    @Test func badInputsGetLayerErrors() throws {
        var random = generator(890)
        let model = try Sequential { try Conv2d(2, 4, kernelSize: 3, padding: 1, using: &random) }
        let empty = try #require(throws: LayerError.self) { try model.quantized(calibratingOn: []) }
        #expect(empty.description.contains("at least one batch"))
        #expect(throws: LayerError.self) { try model.quantized(calibratingOn: [randomTensor([1, 3, 5, 5], seed: 1)]) }
        let plan = try model.quantized(calibratingOn: [randomTensor([1, 2, 5, 5], seed: 2)]).inferencePlan(for: [
            1, 2, 5, 5,
        ])
        let wrong = try #require(throws: LayerError.self) { try plan(randomTensor([1, 2, 6, 5], seed: 3)) }
        #expect(wrong.description.contains("[1, 2, 6, 5]"))
    }
}
