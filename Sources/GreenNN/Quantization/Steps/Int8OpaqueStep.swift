/// A layer a quantized plan has no int8 kernel for (one that does not adopt `InferencePlanning`):
/// its input dequantized, its own float `forward(_:)`, its output quantized again.
final class Int8OpaqueStep: Int8PlanStep {
    let origin: PlanStepOrigin
    let outputShape: Shape
    let modelMACs: Int
    /// The layer's own float32 parameters, which it keeps and reads.
    var weightBytes: Int { layer.parameterCount * MemoryLayout<Float>.stride }
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
        source.scale.dequantize(source.batch, into: &input, instructionSet: instructionSet)
        let result = try layer.forward(input)
        guard result.shape == outputShape else {
            throw LayerError.inputShape(
                "QuantizedPlan", expected: "\(origin.path) to return \(outputShape) as its cost reported",
                actual: result.shape)
        }
        target.scale.quantize(result, into: target.batch, instructionSet: instructionSet)
    }
}
