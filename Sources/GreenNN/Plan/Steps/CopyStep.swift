/// A copy between arena buffers: a branch of a concatenation whose producer could not write
/// into its slice directly (the branch's output is also read elsewhere).
final class CopyStep: PlanStep {
    var origin: PlanStepOrigin
    let inputs: [PlannedValue]
    let output: PlannedValue
    private var buffers: (source: StridedBatch, target: StridedBatch)?

    /// Copies `input` into `output` (same shape).
    init(origin: PlanStepOrigin, input: PlannedValue, output: PlannedValue) {
        self.origin = origin
        self.inputs = [input]
        self.output = output
    }

    var kernel: String { "copy" }
    var modelMACs: Int { 0 }
    var executedMACs: Int { 0 }

    var preparedFloats: Int { 0 }

    func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {
        buffers = (resolve(inputs[0]), resolve(output))
    }

    func run(workspace: Workspace) throws {
        guard let (source, target) = buffers else { return }
        source.copy(into: target)
    }
}
