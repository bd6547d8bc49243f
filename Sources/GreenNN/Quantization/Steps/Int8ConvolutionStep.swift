/// A convolution in a quantized plan: the float step's weights, with its BatchNorm scale folded
/// in, quantized per output channel; its bias, BatchNorm shift, activation clamp and the output's
/// scale applied in the requantization as codes are stored. Depthwise convs sum their codes by
/// VNNI dot products of horizontal taps, or in floats (exactly) plane by plane or 16 channels a
/// vector (`Int8DepthwiseLayout`); dense convs on a few input channels by the same dot products
/// (`int8ConvolutionUsesDots`); the others run through the int8 GEMM on columns packed straight
/// from the padded input (none for 1x1).
final class Int8ConvolutionStep: Int8PlanStep {
    let origin: PlanStepOrigin
    let outputShape: Shape
    let modelMACs: Int
    let weightBytes: Int
    private let geometry: WindowGeometry
    private let requantization: Int8Requantization
    private let weights: Weights
    private let source: Int8Batch
    private let target: Int8Batch
    private let instructionSet: Int8InstructionSet

    /// The most taps of a depthwise filter whose sums floats hold exactly: 255 · 127 · taps
    /// stays below 2^24.
    static let maximumDepthwiseTaps = (1 << 24) / (255 * 127)

    /// `step` on the int8 weights `binding` holds for its layer, with `binding`'s scales.
    /// - Throws: `LayerError` when the quantized model has no weights for the layer, or when a
    ///   depthwise filter has more taps than its float sums hold exactly.
    init(_ step: ConvolutionStep, binding: Int8Binding) throws {
        let (input, output) = (step.inputs[0], step.output)
        let outputChannels = output.shape[1]
        let rowLength = step.weight.count / outputChannels
        let layer = try binding.weights(step.origin.path)
        let weights = layer.channels
        requantization = binding.requantization(from: input, to: output, layer: layer, finish: step.finish)
        origin = step.origin
        outputShape = output.shape
        modelMACs = step.modelMACs
        geometry = step.geometry
        let depthwise = step.groups > 1 && step.groups == input.shape[1] && step.groups == outputChannels
        guard !depthwise || step.geometry.taps <= Self.maximumDepthwiseTaps else {
            throw LayerError.invalidConfiguration(
                step.origin.kind,
                "an int8 depthwise filter holds at most \(Self.maximumDepthwiseTaps) taps (its sums in floats stay"
                    + " exact), got \(step.geometry.kernel.height)x\(step.geometry.kernel.width)"
            ).prefixed(with: step.origin.path)
        }
        let groupChannels = rowLength / step.geometry.taps
        instructionSet = binding.instructionSet
        if depthwise {
            self.weights = .depthwise(
                Int8DepthwiseWeights(codes: weights.codes, channels: outputChannels, kernel: step.geometry.kernel))
        } else if int8ConvolutionUsesDots(
            step.geometry, channels: groupChannels, outputs: outputChannels, groups: step.groups,
            instructionSet: instructionSet)
        {
            self.weights = .dots(
                Int8DotWeights(
                    codes: weights.codes, outputs: outputChannels, channels: groupChannels,
                    kernel: step.geometry.kernel))
        } else {
            self.weights = .gemm(
                weights.codes.withUnsafeBufferPointer { buffer in
                    packInt8ConvolutionWeights(
                        buffer.baseAddress!, outputChannels: outputChannels, groupChannels: groupChannels,
                        groups: step.groups, geometry: step.geometry)
                })
        }
        weightBytes = layer.byteCount
        source = binding.resolve(input)
        target = binding.resolve(output)
    }

    /// The weights as the conv's kernel reads them.
    private enum Weights {
        /// A depthwise conv's, for every `Int8DepthwiseLayout`.
        case depthwise(Int8DepthwiseWeights)
        /// A dense conv's on a few input channels, for the dot-product kernel.
        case dots(Int8DotWeights)
        /// One packed matrix per group, for the GEMM.
        case gemm([PackedInt8Matrix])
    }

    var kernel: String {
        let name =
            switch weights {
            case .depthwise:
                switch Int8DepthwiseLayout.preferred(for: geometry, on: instructionSet) {
                case .planes: "int8 depthwise (float planes)"
                case .channelBlocks: "int8 depthwise (16 channels)"
                case .dotProducts: "int8 depthwise (dot products)"
                }
            case .dots: "int8 dot products (few channels)"
            case .gemm: geometry.isPointwise && geometry.stride == 1 ? "int8 gemm (1x1)" : "int8 gemm (windows)"
            }
        return "\(name) \(instructionSet.rawValue)"
    }

    func run(workspace: Workspace) throws {
        switch weights {
        case .depthwise(let weights):
            int8DepthwiseConvolve(
                source, weights: weights, geometry: geometry, requantization: requantization, into: target,
                workspace: workspace, instructionSet: instructionSet)
        case .dots(let weights):
            int8ConvolveByDots(
                source, weights: weights, geometry: geometry, requantization: requantization, into: target,
                workspace: workspace, instructionSet: instructionSet)
        case .gemm(let packed):
            int8Convolve(
                source, weights: packed, geometry: geometry, requantization: requantization, into: target,
                workspace: workspace, instructionSet: instructionSet)
        }
    }
}
