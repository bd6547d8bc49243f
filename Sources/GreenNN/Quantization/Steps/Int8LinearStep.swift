/// A fully connected layer in a quantized plan: the float step's (folded) weights quantized per
/// output feature, its bias and clamp in the requantization.
final class Int8LinearStep: Int8PlanStep {
    let origin: PlanStepOrigin
    let outputShape: Shape
    let modelMACs: Int
    let weightBytes: Int
    private let requantization: Int8Requantization
    private let packed: PackedInt8Matrix
    private let source: Int8Batch
    private let target: Int8Batch
    private let instructionSet: Int8InstructionSet

    /// `step` on the int8 weights `binding` holds for its layer, with `binding`'s scales.
    /// - Throws: `LayerError` when the quantized model has no weights for the layer.
    init(_ step: LinearStep, binding: Int8Binding) throws {
        let (input, output) = (step.inputs[0], step.output)
        let (inputs, outputs) = (input.shape[1], output.shape[1])
        let layer = try binding.weights(step.origin.path)
        let weights = layer.channels
        requantization = binding.requantization(from: input, to: output, layer: layer, finish: step.finish)
        packed = weights.codes.withUnsafeBufferPointer {
            PackedInt8Matrix(codes: $0.baseAddress!, rows: outputs, columns: inputs, leadingDimension: inputs)
        }
        origin = step.origin
        outputShape = output.shape
        modelMACs = step.modelMACs
        weightBytes = layer.byteCount
        source = binding.resolve(input)
        target = binding.resolve(output)
        instructionSet = binding.instructionSet
    }

    var kernel: String { "int8 gemm \(instructionSet.rawValue)" }

    func run(workspace: Workspace) throws {
        int8Linear(
            source, weights: packed, requantization: requantization, into: target, workspace: workspace,
            instructionSet: instructionSet)
    }
}
