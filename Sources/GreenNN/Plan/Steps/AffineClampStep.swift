/// A BatchNorm or activation in a plan that no producer could absorb (its input is read by
/// another step too, or comes from an opaque layer), or a residual add (`addend`, with the
/// block's activation and whatever follows fused in): one elementwise pass into a new buffer.
final class AffineClampStep: FinishingStep {
    var origin: PlanStepOrigin
    let inputs: [PlannedValue]
    let output: PlannedValue
    var finish: ChannelFinish
    private var packed: (scale: PackedFloats?, shift: PackedFloats?)
    private var buffers: (source: StridedBatch, addend: StridedBatch?, target: StridedBatch)?

    /// `finish` applied to `input` (plus `addend`, of the same shape, when given), into `output`.
    init(
        origin: PlanStepOrigin, input: PlannedValue, adding addend: PlannedValue? = nil, output: PlannedValue,
        finish: ChannelFinish
    ) {
        self.origin = origin
        self.inputs = [input] + (addend.map { [$0] } ?? [])
        self.output = output
        self.finish = finish
        packed = (nil, nil)
    }

    var kernel: String {
        if inputs.count == 2 { return "add" }
        return finish.scale == nil && finish.shift == nil ? "clamp" : "channel affine"
    }
    var modelMACs: Int { 0 }
    var executedMACs: Int { 0 }

    var preparedFloats: Int { (packed.scale?.count ?? 0) + (packed.shift?.count ?? 0) }

    func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {
        packed = (finish.scale.map(PackedFloats.init), finish.shift.map(PackedFloats.init))
        buffers = (resolve(inputs[0]), inputs.count == 2 ? resolve(inputs[1]) : nil, resolve(output))
    }

    func run(workspace: Workspace) throws {
        guard let (source, addend, target) = buffers else { return }
        affineClamp(
            source, adding: addend, scale: packed.scale?.base, shift: packed.shift?.base, lower: finish.lower,
            upper: finish.upper,
            into: target)
    }
}
