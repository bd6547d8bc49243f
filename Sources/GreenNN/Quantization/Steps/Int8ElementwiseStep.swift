/// An elementwise step of a quantized plan: a residual add (two inputs), a standalone channel
/// affine map or clamp (one input), or a copy into a concatenation (one input, no map), each
/// requantizing into the output's scale with the clamp in code space. A per-channel map runs
/// plane by plane, anything else image by image.
final class Int8ElementwiseStep: Int8PlanStep {
    let origin: PlanStepOrigin
    let outputShape: Shape
    var modelMACs: Int { 0 }
    let weightBytes: Int
    let kernel: String
    private let sources: [(batch: Int8Batch, zeroPoint: Int32, multiplier: Float)]
    private let target: Int8Batch
    /// Per channel: the factor on the inputs' multipliers and the output zero point plus shift.
    private let channelScales: [Float]
    private let channelOffsets: [Float]
    /// Whether a BatchNorm's scale or shift differs from channel to channel.
    private let perChannel: Bool
    private let bounds: (lower: Float, upper: Float)
    private let instructionSet: Int8InstructionSet

    /// `step`'s add, map or clamp.
    convenience init(_ step: AffineClampStep, binding: Int8Binding) {
        self.init(
            origin: step.origin, inputs: step.inputs, output: step.output, finish: step.finish, binding: binding,
            kernel: step.inputs.count == 2 ? "int8 add" : "int8 requantize")
    }

    /// `step`'s copy into its slice of a concatenation.
    convenience init(_ step: CopyStep, binding: Int8Binding) {
        self.init(
            origin: step.origin, inputs: step.inputs, output: step.output, finish: ChannelFinish(), binding: binding,
            kernel: "int8 requantizing copy")
    }

    private init(
        origin: PlanStepOrigin, inputs: [PlannedValue], output: PlannedValue, finish: ChannelFinish,
        binding: Int8Binding, kernel: String
    ) {
        let outputScale = binding.parameters(output)
        let channels = output.shape.rank > 1 ? output.shape[1] : 1
        self.origin = origin
        self.outputShape = output.shape
        self.kernel = "\(kernel) \(binding.instructionSet.rawValue)"
        sources = inputs.map { value in
            let scale = binding.parameters(value)
            return (binding.resolve(value), scale.zeroPoint, scale.scale / outputScale.scale)
        }
        target = binding.resolve(output)
        channelScales = finish.scale ?? [Float](repeating: 1, count: channels)
        channelOffsets = (0..<channels).map {
            (finish.shift?[$0] ?? 0) / outputScale.scale + Float(outputScale.zeroPoint)
        }
        perChannel = finish.scale != nil || finish.shift != nil
        weightBytes = perChannel ? 8 * channels : 0
        bounds = binding.codeBounds(finish, output: outputScale)
        instructionSet = binding.instructionSet
    }

    func run(workspace: Workspace) throws {
        let first = sources[0]
        let second = sources.count > 1 ? sources[1] : nil
        guard perChannel else {
            for image in 0..<target.batch {
                int8Add(
                    Int8Addend(first.batch.image(image), zeroPoint: first.zeroPoint, multiplier: first.multiplier),
                    second.map {
                        Int8Addend($0.batch.image(image), zeroPoint: $0.zeroPoint, multiplier: $0.multiplier)
                    },
                    count: target.imageSize, outputZero: channelOffsets[0], lower: bounds.lower, upper: bounds.upper,
                    into: target.image(image), instructionSet: instructionSet)
            }
            return
        }
        let planeSize = target.planeSize
        for image in 0..<target.batch {
            for channel in 0..<target.channels {
                let scale = channelScales[channel]
                int8Add(
                    Int8Addend(
                        first.batch.plane(image, channel: channel), zeroPoint: first.zeroPoint,
                        multiplier: first.multiplier * scale),
                    second.map {
                        Int8Addend(
                            $0.batch.plane(image, channel: channel), zeroPoint: $0.zeroPoint,
                            multiplier: $0.multiplier * scale)
                    },
                    count: planeSize, outputZero: channelOffsets[channel], lower: bounds.lower, upper: bounds.upper,
                    into: target.plane(image, channel: channel), instructionSet: instructionSet)
            }
        }
    }
}
