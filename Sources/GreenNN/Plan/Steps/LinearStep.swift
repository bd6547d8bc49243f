/// A fully connected layer in a plan: one GEMM with the (folded) bias preloaded into the
/// output rows and the clamp of a following activation applied to them.
final class LinearStep: FinishingStep {
    var origin: PlanStepOrigin
    let inputs: [PlannedValue]
    let output: PlannedValue
    var finish = ChannelFinish()
    /// The layer's weights `[out, in]`.
    let weight: [Float]
    /// Its bias, or nil.
    let bias: [Float]?
    private var packed: (weights: PackedFloats, shift: PackedFloats?)?
    private var buffers: (source: StridedBatch, target: StridedBatch)?

    /// `input [N, in] · weightᵀ + bias` into `output [N, out]`.
    init(origin: PlanStepOrigin, input: PlannedValue, output: PlannedValue, weight: Tensor, bias: Tensor?) {
        self.origin = origin
        self.inputs = [input]
        self.output = output
        self.weight = weight.scalars
        self.bias = bias?.scalars
    }

    var kernel: String { output.shape[0] == 1 ? "matrix-vector" : "sgemm" }
    var modelMACs: Int { output.shape[0] * weight.count }
    var executedMACs: Int { modelMACs }

    var preparedFloats: Int { (packed?.weights.count ?? 0) + (packed?.shift?.count ?? 0) }

    func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {
        let (weights, shift) = finish.folding(weights: weight, rowLength: inputs[0].shape[1], bias: bias)
        packed = (PackedFloats(weights), shift.map(PackedFloats.init))
        buffers = (resolve(inputs[0]), resolve(output))
    }

    func run(workspace: Workspace) throws {
        guard let (source, target) = buffers, let packed else { return }
        linear(
            source, weight: packed.weights.base, shift: packed.shift?.base, lower: finish.lower, upper: finish.upper,
            into: target)
    }
}
