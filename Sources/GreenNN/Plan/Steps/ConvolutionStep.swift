/// A convolution in a plan: a dense or grouped conv through im2col and sgemm (no im2col for a
/// 1x1), or a depthwise conv through the direct kernel. The following BatchNorm's scale is
/// folded into its weights at bind time; its shift, the bias and any clamp run as the output
/// is stored.
final class ConvolutionStep: FinishingStep {
    var origin: PlanStepOrigin
    let inputs: [PlannedValue]
    let output: PlannedValue
    var finish = ChannelFinish()
    private let weight: [Float]
    private let bias: [Float]?
    private let groups: Int
    private let geometry: WindowGeometry
    private var packed: (weights: PackedFloats, shift: PackedFloats?)?
    private var operands: ConvolutionOperands?

    /// A conv of `input` by `weight` `[O, C/groups, kH, kW]` over `geometry`, into `output`.
    init(
        origin: PlanStepOrigin, input: PlannedValue, output: PlannedValue, weight: Tensor, bias: Tensor?,
        groups: Int, geometry: WindowGeometry
    ) {
        self.origin = origin
        self.inputs = [input]
        self.output = output
        self.weight = weight.scalars
        self.bias = bias?.scalars
        self.groups = groups
        self.geometry = geometry
    }

    private var isDepthwise: Bool { groups > 1 && groups == inputs[0].shape[1] && groups == output.shape[1] }

    var kernel: String {
        if isDepthwise { return "depthwise direct" }
        if geometry.isPointwise && groups == 1 { return "sgemm (1x1)" }
        return groups == 1 ? "im2col+sgemm" : "im2col+sgemm (\(groups) groups)"
    }

    var modelMACs: Int { weight.count / Swift.max(1, output.shape[1]) * output.shape.elementCount }

    var executedMACs: Int { modelMACs }

    var preparedFloats: Int { (packed?.weights.count ?? 0) + (packed?.shift?.count ?? 0) }

    func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {
        let outputChannels = output.shape[1]
        let (weights, shift) = finish.folding(weights: weight, rowLength: weight.count / outputChannels, bias: bias)
        let packed = (weights: PackedFloats(weights), shift: shift.map(PackedFloats.init))
        self.packed = packed
        let (source, target) = (resolve(inputs[0]), resolve(output))
        operands = ConvolutionOperands(
            input: source.base, inputImageStride: source.imageStride, weight: packed.weights.base, scale: nil,
            shift: packed.shift.map { UnsafePointer($0.base) }, lower: finish.lower, upper: finish.upper,
            output: target.base, outputImageStride: target.imageStride, batch: source.batch,
            channels: source.channels, outputChannels: outputChannels, groups: groups, geometry: geometry)
    }

    func run(workspace: Workspace) throws {
        guard let operands else { return }
        if isDepthwise {
            convolveDepthwise(operands, workspace: workspace)
        } else {
            convolve(operands, workspace: workspace)
        }
    }
}
