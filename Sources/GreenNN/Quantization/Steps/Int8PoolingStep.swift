/// Pooling in a quantized plan, on the codes themselves: the output shares the input's scale and
/// zero point (calibration gives it the input's), so max pooling is exact and average pooling
/// only rounds its mean.
final class Int8PoolingStep: Int8PlanStep {
    let origin: PlanStepOrigin
    let outputShape: Shape
    var modelMACs: Int { 0 }
    var weightBytes: Int { 0 }
    private let mode: PoolingStep.Mode
    private let zeroPoint: UInt8
    private let source: Int8Batch
    private let target: Int8Batch
    private let instructionSet: Int8InstructionSet

    /// Pools as `step` does.
    init(_ step: PoolingStep, binding: Int8Binding) {
        origin = step.origin
        outputShape = step.output.shape
        mode = step.mode
        zeroPoint = UInt8(binding.parameters(step.inputs[0]).zeroPoint)
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
        switch mode {
        case let .max(geometry): int8MaxPool(source, geometry: geometry, into: target, instructionSet: instructionSet)
        case let .average(geometry, countIncludesPadding):
            int8AveragePool(
                source, geometry: geometry, countIncludesPadding: countIncludesPadding, zeroPoint: zeroPoint,
                into: target, instructionSet: instructionSet)
        case .global: int8GlobalAveragePool(source, into: target, instructionSet: instructionSet)
        }
    }
}
