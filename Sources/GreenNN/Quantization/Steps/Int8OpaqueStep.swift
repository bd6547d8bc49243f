/// A layer a quantized plan has no int8 kernel for (one that does not adopt `InferencePlanning`):
/// its input dequantized, its own float `forward(_:)`, its output quantized again.
final class Int8OpaqueStep: Int8PlanStep {
    let origin: PlanStepOrigin
    let outputShape: Shape
    let modelMACs: Int
    var weightBytes: Int { 0 }
    var kernel: String { "dequantize+forward+quantize" }
    private let layer: any Layer
    private let inputShape: Shape
    private let source: (batch: Int8Batch, scale: QuantizationParameters)
    private let target: (batch: Int8Batch, scale: QuantizationParameters)
    private let instructionSet: Int8InstructionSet

    /// Runs `step`'s layer between dequantization and quantization.
    init(_ step: OpaqueStep, binding: Int8Binding) {
        origin = step.origin
        outputShape = step.output.shape
        modelMACs = step.modelMACs
        layer = step.layer
        inputShape = step.inputs[0].shape
        source = (binding.resolve(step.inputs[0]), binding.parameters(step.inputs[0]))
        target = (binding.resolve(step.output), binding.parameters(step.output))
        instructionSet = binding.instructionSet
    }

    func run(workspace: Workspace) throws {
        var input = Tensor(uninitializedShape: inputShape)
        input.withUnsafeMutableBufferPointer { buffer in
            for image in 0..<source.batch.batch {
                int8Dequantize(
                    source.batch.image(image), count: source.batch.imageSize, zeroPoint: source.scale.zeroPoint,
                    scale: source.scale.scale, into: buffer.baseAddress! + image * source.batch.imageSize,
                    instructionSet: instructionSet)
            }
        }
        let result = try layer.forward(input)
        guard result.shape == outputShape else {
            throw LayerError.inputShape(
                "QuantizedPlan", expected: "\(origin.path) to return \(outputShape) as its cost reported",
                actual: result.shape)
        }
        result.withUnsafeBufferPointer { buffer in
            for image in 0..<target.batch.batch {
                int8Quantize(
                    buffer.baseAddress! + image * target.batch.imageSize, count: target.batch.imageSize,
                    inverseScale: 1 / target.scale.scale, zeroPoint: target.scale.zeroPoint,
                    into: target.batch.image(image), instructionSet: instructionSet)
            }
        }
    }
}
