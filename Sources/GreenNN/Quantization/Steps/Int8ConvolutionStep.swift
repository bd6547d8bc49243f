/// A convolution in a quantized plan: the float step's weights, with its BatchNorm scale folded
/// in, quantized per output channel; its bias, BatchNorm shift, activation clamp and the output's
/// scale applied in the requantization as codes are stored. Depthwise convs sum their codes by
/// VNNI dot products of horizontal taps, or in floats (exactly) plane by plane or 16 channels a
/// vector (`Int8DepthwiseLayout`); the others run through the int8 GEMM on columns packed
/// straight from the padded input (none for 1x1).
final class Int8ConvolutionStep: Int8PlanStep {
    let origin: PlanStepOrigin
    let outputShape: Shape
    let modelMACs: Int
    let weightBytes: Int
    private let geometry: WindowGeometry
    private let requantization: Int8Requantization
    /// A depthwise conv's weights (nil for the others).
    private let depthwiseWeights: Int8DepthwiseWeights?
    private let packed: [PackedInt8Matrix]
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
        depthwiseWeights =
            depthwise
            ? Int8DepthwiseWeights(codes: weights.codes, channels: outputChannels, kernel: step.geometry.kernel) : nil
        packed =
            depthwise
            ? []
            : weights.codes.withUnsafeBufferPointer { buffer in
                packInt8ConvolutionWeights(
                    buffer.baseAddress!, outputChannels: outputChannels, groupChannels: rowLength / step.geometry.taps,
                    groups: step.groups, geometry: step.geometry)
            }
        weightBytes = layer.byteCount
        source = binding.resolve(input)
        target = binding.resolve(output)
        instructionSet = binding.instructionSet
    }

    var kernel: String {
        let name =
            if depthwiseWeights != nil {
                switch Int8DepthwiseLayout.preferred(for: geometry, on: instructionSet) {
                case .planes: "int8 depthwise (float planes)"
                case .channelBlocks: "int8 depthwise (16 channels)"
                case .dotProducts: "int8 depthwise (dot products)"
                }
            } else {
                geometry.isPointwise && geometry.stride == 1 ? "int8 gemm (1x1)" : "int8 gemm (windows)"
            }
        return "\(name) \(instructionSet.rawValue)"
    }

    func run(workspace: Workspace) throws {
        if let depthwiseWeights {
            int8DepthwiseConvolve(
                source, weights: depthwiseWeights, geometry: geometry, requantization: requantization, into: target,
                workspace: workspace, instructionSet: instructionSet)
        } else {
            int8Convolve(
                source, weights: packed, geometry: geometry, requantization: requantization, into: target,
                workspace: workspace, instructionSet: instructionSet)
        }
    }
}
