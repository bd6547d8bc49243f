/// A layer that does not adopt `InferencePlanning`, run as it is: its input copied out of the
/// arena into a tensor, its own `forward(_:)`, its output copied back. Correct, but unfused,
/// and it allocates what the layer allocates.
final class OpaqueStep: PlanStep {
    var origin: PlanStepOrigin
    let inputs: [PlannedValue]
    let output: PlannedValue
    /// The layer whose `forward(_:)` it runs.
    let layer: any Layer
    private let macs: Int
    private var buffers: (source: StridedBatch, target: StridedBatch)?

    /// `layer` on `input`, its result (of `output`'s shape, as its cost reported) into `output`.
    init(origin: PlanStepOrigin, layer: any Layer, input: PlannedValue, output: PlannedValue, macs: Int) {
        self.origin = origin
        self.layer = layer
        self.inputs = [input]
        self.output = output
        self.macs = macs
    }

    var kernel: String { "opaque forward" }
    var modelMACs: Int { macs }
    var executedMACs: Int { macs }

    /// The layer's own parameters, which it keeps and reads (the plan prepares none for it).
    var preparedFloats: Int { layer.parameterCount }

    func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {
        buffers = (resolve(inputs[0]), resolve(output))
    }

    func run(workspace: Workspace) throws {
        guard let (source, target) = buffers else { return }
        let input = Tensor(uninitializedShape: inputs[0].shape)
        withExtendedLifetime(input) { source.copy(into: StridedBatch(tensor: input)) }
        let result = try layer.forward(input)
        guard result.shape == output.shape else {
            throw LayerError.inputShape(
                "InferencePlan", expected: "\(origin.path) to return \(output.shape) as its cost reported",
                actual: result.shape)
        }
        withExtendedLifetime(result) { StridedBatch(tensor: result).copy(into: target) }
    }
}
