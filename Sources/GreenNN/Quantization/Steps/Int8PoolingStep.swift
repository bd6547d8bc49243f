/// Pooling in a quantized plan, on the codes themselves: where the output shares the input's
/// scale and zero point (calibration gives a pool's own output the input's) max pooling is exact
/// and average pooling only rounds its mean. A pool writing into a concatenation takes the
/// concatenation's scale: it pools into scratch, then requantizes into its channels.
final class Int8PoolingStep: Int8PlanStep {
    let origin: PlanStepOrigin
    let outputShape: Shape
    var modelMACs: Int { 0 }
    var weightBytes: Int { 0 }
    private let mode: PoolingStep.Mode
    private let zeroPoint: UInt8
    /// The input's scale over the output's, and both zero points, when they differ.
    private let requantization: (multiplier: Float, inputZero: Int32, outputZero: Int32)?
    private let source: Int8Batch
    private let target: Int8Batch
    private let instructionSet: Int8InstructionSet

    /// Pools as `step` does.
    init(_ step: PoolingStep, binding: Int8Binding) {
        origin = step.origin
        outputShape = step.output.shape
        mode = step.mode
        let (input, output) = (binding.parameters(step.inputs[0]), binding.parameters(step.output))
        zeroPoint = UInt8(input.zeroPoint)
        requantization = input == output ? nil : (input.scale / output.scale, input.zeroPoint, output.zeroPoint)
        source = binding.resolve(step.inputs[0])
        target = binding.resolve(step.output)
        instructionSet = binding.instructionSet
    }

    var kernel: String {
        switch mode {
        case .max: "int8 max pool"
        case .average: "int8 average pool"
        case .global: "int8 plane mean"
        }
    }

    func run(workspace: Workspace) throws {
        guard let requantization else {
            pool(into: target)
            return
        }
        let scratch = Int8Batch(
            base: UnsafeMutableRawPointer(workspace.floats((outputShape.elementCount + 3) / 4))
                .assumingMemoryBound(to: UInt8.self),
            shape: outputShape)
        pool(into: scratch)
        for image in 0..<target.batch {
            int8Add(
                Int8Addend(
                    scratch.image(image), zeroPoint: requantization.inputZero, multiplier: requantization.multiplier),
                nil, count: target.imageSize, outputZero: Float(requantization.outputZero), lower: 0, upper: 255,
                into: target.image(image), instructionSet: instructionSet)
        }
    }

    /// The pool of `source`, in the input's scale, into `output`.
    private func pool(into output: Int8Batch) {
        switch mode {
        case let .max(geometry): int8MaxPool(source, geometry: geometry, into: output, instructionSet: instructionSet)
        case let .average(geometry, countIncludesPadding):
            int8AveragePool(
                source, geometry: geometry, countIncludesPadding: countIncludesPadding, zeroPoint: zeroPoint,
                into: output, instructionSet: instructionSet)
        case .global: int8GlobalAveragePool(source, into: output, instructionSet: instructionSet)
        }
    }
}
