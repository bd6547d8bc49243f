/// Two depthwise convolutions in a row (a flattened conv's vertical and horizontal stages) as
/// one step: each plane goes through both while the intermediate plane is in a worker's scratch
/// (`convolveDepthwisePair`), so the intermediate tensor is never written. The planner fuses a
/// depthwise conv into the depthwise step before it when nothing else reads that step's output;
/// whatever folds into the pair's output pass folds into the second conv's.
final class DepthwisePairStep: FinishingStep {
    var origin: PlanStepOrigin
    let first: ConvolutionStep
    let second: ConvolutionStep

    /// `first` followed by `second`, which reads `first`'s output.
    init(_ first: ConvolutionStep, _ second: ConvolutionStep) {
        (self.first, self.second) = (first, second)
        origin = PlanStepOrigin(
            path: first.origin.path, kind: first.origin.kind,
            fused: first.origin.fused + [second.origin.path + " (\(second.origin.kind))"] + second.origin.fused)
    }

    var inputs: [PlannedValue] { first.inputs }
    var output: PlannedValue { second.output }
    var finish: ChannelFinish {
        get { second.finish }
        set { second.finish = newValue }
    }
    var kernel: String { "depthwise direct, 2 convs per plane" }
    var modelMACs: Int { first.modelMACs + second.modelMACs }
    var executedMACs: Int { modelMACs }
    var preparedFloats: Int { first.preparedFloats + second.preparedFloats }

    func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {
        try first.bind(resolve)
        try second.bind(resolve)
    }

    func run(workspace: Workspace) throws {
        guard let firstOperands = first.depthwiseOperands, let secondOperands = second.depthwiseOperands else { return }
        convolveDepthwisePair(firstOperands, secondOperands, workspace: workspace)
    }
}
