import Testing

@testable import GreenTensor

/// The int8 kernels of every instruction set this machine runs against naive integer loops, bit
/// for bit: the GEMM at sizes with tails in every tile dimension and at the saturation edge of
/// vpmaddubsw (codes 255 against weights ±127: pairs of 64,770 that 16 bits cannot hold),
/// convolutions (dense, grouped, 1x1, depthwise) with padding read as the zero point, pooling and
/// the elementwise passes. The requantization's float steps are written out in the same order, so
/// there is no tolerance: any difference is a bug.
struct Int8KernelTests {
    /// Seeded codes.
    static func codes(_ count: Int, seed: UInt64, in range: ClosedRange<Int>) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Int.random(in: range, using: &generator) }
    }

    /// The requantization every kernel computes, written out.
    static func requantize(_ sum: Int, multiplier: Float, shift: Float, lower: Float, upper: Float) -> UInt8 {
        var t = Float(Int32(sum)) * multiplier
        t = t + shift
        t = Swift.min(Swift.max(t, lower), upper)
        return UInt8(t.rounded(.toNearestOrEven))
    }

    /// Tails in every tile dimension; 1-4 columns past the whole tiles (or alone), which the AVX2
    /// and VNNI kernels multiply as matrix-vector products: many panels, depths inside and past a
    /// vector.
    static let sizes: [(m: Int, k: Int, n: Int)] = [
        (1, 1, 1), (3, 5, 7), (4, 4, 64), (5, 37, 29), (13, 100, 65), (9, 300, 130), (64, 9, 17), (2, 1000, 3),
        (38, 133, 50), (70, 64, 52), (33, 17, 4), (41, 1023, 1), (45, 48, 49),
    ]

    @Test(arguments: Int8InstructionSet.supported)
    func gemmMatchesNaiveSums(_ instructionSet: Int8InstructionSet) {
        for (index, size) in Self.sizes.enumerated() {
            let seed = UInt64(700 + 11 * index)
            // Even sizes hold the saturation edge: every code 255 or 0, every weight ±127.
            let edge = index % 2 == 0
            let weights = Self.codes(size.m * size.k, seed: seed, in: -127...127).map {
                edge ? ($0 < 0 ? -127 : 127) : $0
            }
            let inputs = Self.codes(size.k * size.n, seed: seed + 1, in: 0...255).map {
                edge ? ($0 < 128 ? 0 : 255) : $0
            }
            let zeroPoint = Int32(index * 37 % 256)
            let multipliers = (0..<size.m).map { Float(1 + $0) * 3e-5 }
            let shifts = (0..<size.m).map { Float($0 % 7) * 10.5 + 60 }
            let (lower, upper): (Float, Float) = index % 3 == 0 ? (0, 255) : (20, 230.4)
            let requantization = Int8Requantization(
                multipliers: multipliers, shifts: shifts, inputZeroPoint: zeroPoint, lower: lower, upper: upper)
            let packed = weights.map { Int8($0) }.withUnsafeBufferPointer {
                PackedInt8Matrix(codes: $0.baseAddress!, rows: size.m, columns: size.k, leadingDimension: size.k)
            }
            var output = [UInt8](repeating: 0, count: size.m * size.n)
            let input = inputs.map { UInt8($0) }
            input.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { c in
                    // A 1x1 conv over a [k, 1, n] plane is the plain GEMM.
                    let geometry = try! WindowGeometry(
                        input: Size2D(height: 1, width: size.n), kernel: 1, operation: "test")
                    int8Convolve(
                        Int8Batch(base: UnsafeMutablePointer(mutating: b.baseAddress!), shape: [1, size.k, 1, size.n]),
                        weights: [packed], geometry: geometry, requantization: requantization,
                        into: Int8Batch(base: c.baseAddress!, shape: [1, size.m, 1, size.n]), workspace: Workspace(),
                        instructionSet: instructionSet)
                }
            }
            var mismatches = 0
            for row in 0..<size.m {
                var rowSum = 0
                for t in 0..<size.k { rowSum += weights[row * size.k + t] }
                for column in 0..<size.n {
                    var sum = 0
                    for t in 0..<size.k { sum += weights[row * size.k + t] * inputs[t * size.n + column] }
                    let expected = Self.requantize(
                        sum - Int(zeroPoint) * rowSum, multiplier: multipliers[row], shift: shifts[row], lower: lower,
                        upper: upper)
                    if output[row * size.n + column] != expected { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "\(instructionSet) \(size)")
        }
    }

    /// Naive int8 convolution of one image: the sum over taps of weight · (input − zero point),
    /// padding contributing 0.
    static func naiveConvolution(
        _ input: [Int], channels: Int, height: Int, width: Int, weights: [Int], outputChannels: Int, groups: Int,
        geometry: WindowGeometry, zeroPoint: Int, requantization: Int8Requantization
    ) -> [UInt8] {
        let (kh, kw) = (geometry.kernel.height, geometry.kernel.width)
        let (oh, ow) = (geometry.output.height, geometry.output.width)
        let (groupChannels, groupOutputs) = (channels / groups, outputChannels / groups)
        var output = [UInt8](repeating: 0, count: outputChannels * oh * ow)
        for o in 0..<outputChannels {
            let group = o / groupOutputs
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum = 0
                    for c in 0..<groupChannels {
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let y =
                                    oy * geometry.stride.height - geometry.padding.height + ky
                                    * geometry.dilation.height
                                let x =
                                    ox * geometry.stride.width - geometry.padding.width + kx * geometry.dilation.width
                                guard y >= 0, y < height, x >= 0, x < width else { continue }
                                let value = input[((group * groupChannels + c) * height + y) * width + x] - zeroPoint
                                sum += weights[((o * groupChannels + c) * kh + ky) * kw + kx] * value
                            }
                        }
                    }
                    output[(o * oh + oy) * ow + ox] = requantize(
                        sum, multiplier: requantization.multipliers[o], shift: requantization.shifts[o],
                        lower: requantization.lower, upper: requantization.upper)
                }
            }
        }
        return output
    }

    /// (C, O, groups, H, W, kernel, stride, padding, dilation); groups == C == O is depthwise.
    static let convolutions: [(Int, Int, Int, Int, Int, Int, Int, Int, Int)] = [
        (3, 8, 1, 9, 11, 3, 1, 1, 1), (5, 7, 1, 7, 6, 3, 2, 1, 1), (4, 6, 2, 8, 8, 3, 1, 2, 2),
        (16, 9, 1, 5, 5, 1, 1, 0, 1), (6, 6, 6, 10, 9, 3, 1, 1, 1), (7, 7, 7, 11, 12, 3, 2, 1, 1),
        (5, 5, 5, 9, 9, 5, 1, 2, 1), (3, 4, 1, 28, 28, 5, 1, 2, 1), (4, 4, 4, 9, 10, 3, 3, 1, 1),
        (4, 4, 4, 12, 11, 3, 1, 2, 2), (3, 3, 3, 40, 37, 3, 2, 1, 1), (2, 5, 1, 9, 9, 3, 3, 0, 2),
        (6, 5, 1, 4, 4, 3, 1, 1, 1), (3, 4, 1, 2, 2, 3, 1, 1, 1), (5, 3, 1, 8, 8, 3, 1, 1, 1),
        (8, 8, 8, 7, 7, 3, 1, 1, 1), (16, 16, 16, 14, 14, 3, 1, 1, 1), (4, 4, 4, 14, 14, 3, 2, 1, 1),
        (2, 2, 2, 1, 1, 3, 1, 1, 1), (8, 6, 1, 9, 11, 3, 1, 1, 1), (8, 10, 2, 7, 6, 3, 2, 1, 1),
        (12, 5, 1, 8, 8, 3, 1, 1, 2), (4, 7, 1, 20, 19, 3, 1, 1, 1), (8, 9, 1, 4, 4, 3, 1, 1, 1),
        // Depthwise around the 16-channel blocks: a partial second block, 3x3 at strides 1 and 2
        // (their unrolled kernels), rows narrower than 4 outputs, 5x5 dilated, planes of one.
        (17, 17, 17, 7, 7, 3, 1, 1, 1), (37, 37, 37, 9, 13, 3, 2, 1, 1), (33, 33, 33, 3, 2, 3, 1, 1, 1),
        (16, 16, 16, 18, 17, 5, 1, 4, 2), (19, 19, 19, 1, 1, 3, 1, 1, 1), (32, 32, 32, 11, 6, 3, 3, 1, 1),
        // Interleaved quads at stride 2 with rows of 16 or more outputs (packed from every other
        // quad): RGB rounded up to a quad (a fourth channel of zero weights), and 8 channels.
        (3, 8, 1, 34, 40, 3, 2, 1, 1), (8, 6, 1, 10, 36, 3, 2, 1, 1), (6, 5, 1, 9, 33, 3, 2, 1, 1),
        // Depthwise rows of several vectors of dot products at strides 1, 2 and 4 (every phase,
        // a partial last run), a 5-wide kernel (two groups of taps a row), a 2-wide one.
        (4, 4, 4, 5, 70, 3, 1, 1, 1), (3, 3, 3, 6, 75, 3, 2, 1, 1), (4, 4, 4, 9, 77, 3, 4, 1, 1),
        (2, 2, 2, 7, 45, 5, 1, 2, 1), (3, 3, 3, 6, 39, 2, 2, 0, 1),
        // Dense on a few channels, the dot-product kernel's blocks of output channels: RGB at
        // stride 2 over rows of several vectors, MNIST's one channel 5x5 into 6 and 13 outputs.
        (3, 11, 1, 9, 70, 3, 2, 1, 1), (1, 6, 1, 12, 28, 5, 1, 2, 1), (1, 13, 1, 8, 20, 5, 1, 2, 1),
    ]

    /// The requantizing store of float sums (the depthwise conv's): ties at every half (rounded
    /// to even), sums past both clamps, and the product and sum rounded apart.
    @Test(arguments: Int8InstructionSet.supported)
    func requantizingFloatSumsMatchesTheFormula(_ instructionSet: Int8InstructionSet) {
        let table = Int8Kernels.table(for: instructionSet)
        let sums = (-40...600).map(Float.init) + [16_777_215, -16_777_215, 12_345]
        for (multiplier, shift, lower, upper): (Float, Float, Float, Float) in [
            (0.5, 0, 0, 255), (0.5, 0.25, 3, 200.5), (1e-3, 77.5, 0, 255), (0.3, -2.7, 10, 250),
        ] {
            var output = [UInt8](repeating: 0, count: sums.count)
            table.requantize(sums, sums.count, multiplier, shift, lower, upper, &output)
            let expected = sums.map {
                Self.requantize(Int($0), multiplier: multiplier, shift: shift, lower: lower, upper: upper)
            }
            #expect(output == expected, "\(instructionSet) multiplier \(multiplier) shift \(shift)")
        }
    }

    /// The kernels a test conv runs on.
    enum ConvolutionPath {
        /// A depthwise conv walking its channels in a layout.
        case depthwise(Int8DepthwiseLayout)
        /// The GEMM on columns from the padded images.
        case gemm
        /// The dot-product kernel of dense convs on a few channels.
        case dots
    }

    @Test(arguments: Int8InstructionSet.supported)
    func convolutionsMatchNaiveSums(_ instructionSet: Int8InstructionSet) throws {
        for (index, c) in Self.convolutions.enumerated() {
            let (channels, outputs, groups, height, width, kernel, stride, padding, dilation) = c
            let geometry = try WindowGeometry(
                input: Size2D(height: height, width: width), kernel: Size2D(height: kernel, width: kernel),
                stride: Size2D(height: stride, width: stride), padding: Size2D(height: padding, width: padding),
                dilation: Size2D(height: dilation, width: dilation), operation: "test")
            let batch = 1 + index % 3
            let seed = UInt64(900 + 13 * index)
            let weights = Self.codes(outputs * channels / groups * kernel * kernel, seed: seed, in: -127...127)
            let inputs = Self.codes(batch * channels * height * width, seed: seed + 1, in: 0...255)
            let zeroPoint = (3 + index * 29) % 256
            let requantization = Int8Requantization(
                multipliers: (0..<outputs).map { Float($0 + 1) * 2e-4 },
                shifts: (0..<outputs).map { Float($0) * 3 + 90 },
                inputZeroPoint: Int32(zeroPoint), lower: Float(index), upper: 250)
            let depthwise = groups == channels && groups == outputs && groups > 1
            let codes = weights.map { Int8($0) }
            let packed = codes.withUnsafeBufferPointer {
                packInt8ConvolutionWeights(
                    $0.baseAddress!, outputChannels: outputs, groupChannels: channels / groups, groups: groups,
                    geometry: geometry)
            }
            let input = inputs.map { UInt8($0) }
            let imageOut = outputs * geometry.outputPositions
            // Every depthwise layout; dense convs on the GEMM and, one group, on the dot products.
            let paths: [ConvolutionPath] =
                depthwise
                ? Int8DepthwiseLayout.allCases.map(ConvolutionPath.depthwise) : groups == 1 ? [.gemm, .dots] : [.gemm]
            for path in paths {
                var output = [UInt8](repeating: 0, count: batch * imageOut)
                input.withUnsafeBufferPointer { source in
                    output.withUnsafeMutableBufferPointer { target in
                        let sourceBatch = Int8Batch(
                            base: UnsafeMutablePointer(mutating: source.baseAddress!),
                            shape: [batch, channels, height, width])
                        let targetBatch = Int8Batch(
                            base: target.baseAddress!,
                            shape: [batch, outputs, geometry.output.height, geometry.output.width])
                        switch path {
                        case .depthwise(let layout):
                            int8DepthwiseConvolve(
                                sourceBatch,
                                weights: Int8DepthwiseWeights(
                                    codes: codes, channels: channels, kernel: geometry.kernel),
                                geometry: geometry, requantization: requantization, into: targetBatch,
                                workspace: Workspace(), instructionSet: instructionSet, layout: layout)
                        case .dots:
                            int8ConvolveByDots(
                                sourceBatch,
                                weights: Int8DotWeights(
                                    codes: codes, outputs: outputs, channels: channels, kernel: geometry.kernel),
                                geometry: geometry, requantization: requantization, into: targetBatch,
                                workspace: Workspace(), instructionSet: instructionSet)
                        case .gemm:
                            int8Convolve(
                                sourceBatch, weights: packed, geometry: geometry, requantization: requantization,
                                into: targetBatch, workspace: Workspace(), instructionSet: instructionSet)
                        }
                    }
                }
                for image in 0..<batch {
                    let imageSize = channels * height * width
                    let expected = Self.naiveConvolution(
                        Array(inputs[image * imageSize..<(image + 1) * imageSize]), channels: channels,
                        height: height, width: width, weights: weights, outputChannels: outputs, groups: groups,
                        geometry: geometry, zeroPoint: zeroPoint, requantization: requantization)
                    #expect(
                        Array(output[image * imageOut..<(image + 1) * imageOut]) == expected,
                        "\(instructionSet) case \(index) \(path) image \(image)")
                }
            }
        }
    }

    /// A padded 3x3 conv whose column blocks are packed from the padded images (planes apart, 7
    /// channels; interleaved four at a time, 8 and 12: runs of 16, 8, 4 and 2 codes of a row, and
    /// code by code; rows of whole vectors, 16 and 32 wide, read in place, unpacked) at the
    /// saturation edge of vpmaddubsw: codes 0 and 255, weights ±127, in batches side by side (8x8,
    /// 4x4 and 2x2 planes) and image by image (32x32, 24x24, 20x20, 16x16).
    @Test(arguments: Int8InstructionSet.supported)
    func windowsAtTheSaturationEdgeMatchNaiveSums(_ instructionSet: Int8InstructionSet) throws {
        for (index, (batch, size, channels)) in [
            (3, 8, 7), (2, 4, 7), (2, 24, 7), (1, 20, 7), (3, 8, 8), (2, 4, 8),
            (2, 24, 12), (1, 20, 8), (2, 2, 8), (1, 16, 8), (2, 32, 4),
        ].enumerated() {
            let outputs = 9
            let geometry = try WindowGeometry(
                input: Size2D(size), kernel: 3, padding: 1, operation: "test")
            let seed = UInt64(990 + 3 * index)
            let weights = Self.codes(outputs * channels * 9, seed: seed, in: 0...1).map { $0 == 0 ? -127 : 127 }
            let inputs = Self.codes(batch * channels * size * size, seed: seed + 1, in: 0...1).map { $0 * 255 }
            let requantization = Int8Requantization(
                multipliers: (0..<outputs).map { Float($0 + 1) * 1e-5 }, shifts: (0..<outputs).map { Float($0) + 100 },
                inputZeroPoint: 128, lower: 0, upper: 255)
            let packed = weights.map { Int8($0) }.withUnsafeBufferPointer {
                packInt8ConvolutionWeights(
                    $0.baseAddress!, outputChannels: outputs, groupChannels: channels, groups: 1, geometry: geometry)
            }
            let input = inputs.map { UInt8($0) }
            let imageOut = outputs * geometry.outputPositions
            var output = [UInt8](repeating: 0, count: batch * imageOut)
            input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    int8Convolve(
                        Int8Batch(
                            base: UnsafeMutablePointer(mutating: source.baseAddress!),
                            shape: [batch, channels, size, size]),
                        weights: packed, geometry: geometry, requantization: requantization,
                        into: Int8Batch(base: target.baseAddress!, shape: [batch, outputs, size, size]),
                        workspace: Workspace(), instructionSet: instructionSet)
                }
            }
            for image in 0..<batch {
                let imageSize = channels * size * size
                let expected = Self.naiveConvolution(
                    Array(inputs[image * imageSize..<(image + 1) * imageSize]), channels: channels, height: size,
                    width: size, weights: weights, outputChannels: outputs, groups: 1, geometry: geometry,
                    zeroPoint: 128, requantization: requantization)
                #expect(
                    Array(output[image * imageOut..<(image + 1) * imageOut]) == expected,
                    "\(instructionSet) batch \(batch) \(size)x\(size) image \(image)")
            }
        }
    }

    /// The k x 1 and 1 x k stages of flattened convs, and a 5 x 1 without padding.
    @Test(arguments: Int8InstructionSet.supported)
    func rectangularDepthwiseKernelsMatchNaiveSums(_ instructionSet: Int8InstructionSet) throws {
        for (index, (kernel, padding)) in [
            (Size2D(height: 3, width: 1), Size2D(height: 1, width: 0)),
            (Size2D(height: 1, width: 3), Size2D(height: 0, width: 1)),
            (Size2D(height: 5, width: 1), Size2D(height: 0, width: 0)),
            (Size2D(height: 1, width: 5), Size2D(height: 0, width: 2)),
        ].enumerated() {
            let (channels, height, width) = (3, 9, 21)
            let geometry = try WindowGeometry(
                input: Size2D(height: height, width: width), kernel: kernel, padding: padding, operation: "test")
            let weights = Self.codes(channels * kernel.height * kernel.width, seed: UInt64(960 + index), in: -127...127)
            let inputs = Self.codes(channels * height * width, seed: UInt64(970 + index), in: 0...255)
            let requantization = Int8Requantization(
                multipliers: [3e-4, 5e-4, 7e-4], shifts: [100, 120, 140], inputZeroPoint: 41, lower: 0, upper: 255)
            let input = inputs.map { UInt8($0) }
            let codes = weights.map { Int8($0) }
            for layout in Int8DepthwiseLayout.allCases {
                var output = [UInt8](repeating: 0, count: channels * geometry.outputPositions)
                input.withUnsafeBufferPointer { source in
                    output.withUnsafeMutableBufferPointer { target in
                        int8DepthwiseConvolve(
                            Int8Batch(
                                base: UnsafeMutablePointer(mutating: source.baseAddress!),
                                shape: [1, channels, height, width]),
                            weights: Int8DepthwiseWeights(codes: codes, channels: channels, kernel: geometry.kernel),
                            geometry: geometry, requantization: requantization,
                            into: Int8Batch(
                                base: target.baseAddress!,
                                shape: [1, channels, geometry.output.height, geometry.output.width]),
                            workspace: Workspace(), instructionSet: instructionSet, layout: layout)
                    }
                }
                let expected = Self.naiveConvolution(
                    inputs, channels: channels, height: height, width: width, weights: weights,
                    outputChannels: channels,
                    groups: channels, geometry: geometry, zeroPoint: 41, requantization: requantization)
                #expect(output == expected, "\(instructionSet) \(kernel) \(layout)")
            }
        }
    }

    @Test(arguments: Int8InstructionSet.supported)
    func linearMatchesNaiveSums(_ instructionSet: Int8InstructionSet) {
        for (batch, inputs, outputs) in [(1, 7, 5), (3, 64, 10), (8, 100, 33)] {
            let weights = Self.codes(outputs * inputs, seed: UInt64(batch * 17), in: -127...127)
            let x = Self.codes(batch * inputs, seed: UInt64(batch * 17 + 1), in: 0...255)
            let requantization = Int8Requantization(
                multipliers: (0..<outputs).map { Float($0 + 1) * 1e-4 },
                shifts: [Float](repeating: 128, count: outputs),
                inputZeroPoint: 77, lower: 0, upper: 255)
            let packed = weights.map { Int8($0) }.withUnsafeBufferPointer {
                PackedInt8Matrix(codes: $0.baseAddress!, rows: outputs, columns: inputs, leadingDimension: inputs)
            }
            let input = x.map { UInt8($0) }
            var output = [UInt8](repeating: 0, count: batch * outputs)
            input.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    int8Linear(
                        Int8Batch(base: UnsafeMutablePointer(mutating: source.baseAddress!), shape: [batch, inputs]),
                        weights: packed, requantization: requantization,
                        into: Int8Batch(base: target.baseAddress!, shape: [batch, outputs]), workspace: Workspace(),
                        instructionSet: instructionSet)
                }
            }
            var expected = [UInt8]()
            for image in 0..<batch {
                for o in 0..<outputs {
                    var sum = 0
                    for t in 0..<inputs { sum += weights[o * inputs + t] * (x[image * inputs + t] - 77) }
                    expected.append(
                        Self.requantize(
                            sum, multiplier: requantization.multipliers[o], shift: 128, lower: 0, upper: 255))
                }
            }
            #expect(output == expected, "\(instructionSet) batch \(batch)")
        }
    }

    /// Padded 3x3 windows at stride 2; 2x2 windows at stride 2 over 40 planes of 4x6 and 2x3
    /// windows with horizontal padding over planes of 8x9 (both pooled as runs of planes stacked
    /// into one tall plane).
    @Test(arguments: Int8InstructionSet.supported)
    func poolingMatchesNaiveCodes(_ instructionSet: Int8InstructionSet) throws {
        for (index, (channels, height, width, kernel, stride, padding)) in [
            (3, 7, 9, Size2D(3), Size2D(2), Size2D(1)), (40, 4, 6, Size2D(2), Size2D(2), Size2D(0)),
            (5, 8, 9, Size2D(height: 2, width: 3), Size2D(height: 2, width: 1), Size2D(height: 0, width: 1)),
        ].enumerated() {
            let inputs = Self.codes(2 * channels * height * width, seed: UInt64(41 + index), in: 0...255).map {
                UInt8($0)
            }
            let geometry = try WindowGeometry(
                input: Size2D(height: height, width: width), kernel: kernel, stride: stride, padding: padding,
                operation: "test")
            let (oh, ow) = (geometry.output.height, geometry.output.width)
            let shape: Shape = [2, channels, oh, ow]
            var maximum = [UInt8](repeating: 0, count: shape.elementCount)
            var average = maximum
            var averageWithPadding = maximum
            var mean = [UInt8](repeating: 0, count: 2 * channels)
            inputs.withUnsafeBufferPointer { source in
                let batch = Int8Batch(
                    base: UnsafeMutablePointer(mutating: source.baseAddress!), shape: [2, channels, height, width])
                maximum.withUnsafeMutableBufferPointer {
                    int8MaxPool(
                        batch, geometry: geometry, into: Int8Batch(base: $0.baseAddress!, shape: shape),
                        instructionSet: instructionSet)
                }
                average.withUnsafeMutableBufferPointer {
                    int8AveragePool(
                        batch, geometry: geometry, countIncludesPadding: false, zeroPoint: 40,
                        into: Int8Batch(base: $0.baseAddress!, shape: shape), instructionSet: instructionSet)
                }
                averageWithPadding.withUnsafeMutableBufferPointer {
                    int8AveragePool(
                        batch, geometry: geometry, countIncludesPadding: true, zeroPoint: 40,
                        into: Int8Batch(base: $0.baseAddress!, shape: shape), instructionSet: instructionSet)
                }
                mean.withUnsafeMutableBufferPointer {
                    int8GlobalAveragePool(
                        batch, into: Int8Batch(base: $0.baseAddress!, shape: [2, channels, 1, 1]),
                        instructionSet: instructionSet)
                }
            }
            var mismatches = 0
            for plane in 0..<2 * channels {
                let values = { (y: Int, x: Int) in Int(inputs[(plane * height + y) * width + x]) }
                var planeSum = 0
                for y in 0..<height { for x in 0..<width { planeSum += values(y, x) } }
                let count = height * width
                if Int(mean[plane]) != (2 * planeSum + count) / (2 * count) { mismatches += 1 }
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var (best, sum, inside) = (0, 0, 0)
                        for ky in 0..<kernel.height {
                            for kx in 0..<kernel.width {
                                let (y, x) = (
                                    oy * stride.height - padding.height + ky, ox * stride.width - padding.width + kx
                                )
                                guard y >= 0, y < height, x >= 0, x < width else { continue }
                                best = Swift.max(best, values(y, x))
                                sum += values(y, x)
                                inside += 1
                            }
                        }
                        let (position, taps) = ((plane * oh + oy) * ow + ox, kernel.height * kernel.width)
                        let padded = sum + (taps - inside) * 40
                        if Int(maximum[position]) != best || Int(average[position]) != (2 * sum + inside) / (2 * inside)
                            || Int(averageWithPadding[position]) != (2 * padded + taps) / (2 * taps)
                        {
                            mismatches += 1
                        }
                    }
                }
            }
            #expect(mismatches == 0, "\(instructionSet) case \(index)")
        }
    }

    @Test(arguments: Int8InstructionSet.supported)
    func elementwisePassesFollowTheirFormulas(_ instructionSet: Int8InstructionSet) {
        let floats: [Float] = [-3, -0.51, -0.5, 0, 0.25, 0.5, 1.5, 2.5, 200, .nan, .infinity, -.infinity, 1e9]
        var codes = [UInt8](repeating: 0, count: floats.count)
        floats.withUnsafeBufferPointer { source in
            codes.withUnsafeMutableBufferPointer {
                int8Quantize(
                    source.baseAddress!, count: floats.count, inverseScale: 2, zeroPoint: 7, into: $0.baseAddress!,
                    instructionSet: instructionSet)
            }
        }
        #expect(codes == [1, 6, 6, 7, 8, 8, 10, 12, 255, 7, 255, 0, 255])
        var back = [Float](repeating: 0, count: codes.count)
        codes.withUnsafeBufferPointer { source in
            back.withUnsafeMutableBufferPointer {
                int8Dequantize(
                    source.baseAddress!, count: codes.count, zeroPoint: 7, scale: 0.5, into: $0.baseAddress!,
                    instructionSet: instructionSet)
            }
        }
        #expect(back == codes.map { (Float($0) - 7) * 0.5 })
        let first = Self.codes(300, seed: 5, in: 0...255).map { UInt8($0) }
        let second = Self.codes(300, seed: 6, in: 0...255).map { UInt8($0) }
        var sum = [UInt8](repeating: 0, count: 300)
        var copy = sum
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                sum.withUnsafeMutableBufferPointer {
                    int8Add(
                        Int8Addend(a.baseAddress!, zeroPoint: 10, multiplier: 0.7),
                        Int8Addend(b.baseAddress!, zeroPoint: 200, multiplier: 1.3), count: 300, outputZero: 30,
                        lower: 30, upper: 255, into: $0.baseAddress!, instructionSet: instructionSet)
                }
                copy.withUnsafeMutableBufferPointer {
                    int8Add(
                        Int8Addend(a.baseAddress!, zeroPoint: 10, multiplier: 0.37), nil, count: 300, outputZero: 5,
                        lower: 0, upper: 255, into: $0.baseAddress!, instructionSet: instructionSet)
                }
            }
        }
        for i in 0..<300 {
            var t = (Float(first[i]) - 10) * 0.7
            let u = (Float(second[i]) - 200) * 1.3
            t = t + u
            t = t + 30
            #expect(sum[i] == UInt8(Swift.min(Swift.max(t, 30), 255).rounded(.toNearestOrEven)))
            var v = (Float(first[i]) - 10) * 0.37
            v = v + 5
            #expect(copy[i] == UInt8(Swift.min(Swift.max(v, 0), 255).rounded(.toNearestOrEven)))
        }
    }

    @Test func theMachineRunsItsBestInstructionSet() {
        #expect(Int8InstructionSet.supported.contains(.generic))
        #expect(Int8InstructionSet.supported.contains(Int8InstructionSet.active))
        #expect(Int8InstructionSet.supported.last == Int8InstructionSet.active)
    }
}
