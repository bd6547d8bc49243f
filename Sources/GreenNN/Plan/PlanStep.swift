/// One step of an inference plan: a kernel reading values of the arena and writing one.
/// Steps are built by `PlanBuilder`, bound once to their buffers, then run on every call.
protocol PlanStep: AnyObject {
    /// The dotted path of the layer the step computes ("features.3.pointwise"), its kind,
    /// and whatever the planner fused into it.
    var origin: PlanStepOrigin { get set }
    /// The values it reads.
    var inputs: [PlannedValue] { get }
    /// The value it writes.
    var output: PlannedValue { get }
    /// The kernel it runs, as the plan prints it ("im2col+sgemm", "winograd F(4x4,3x3)").
    var kernel: String { get }
    /// Multiply-accumulates of the layer it computes, as the cost tables count them.
    var modelMACs: Int { get }
    /// Multiply-accumulates its kernel executes (fewer than `modelMACs` for Winograd).
    var executedMACs: Int { get }
    /// Floats of weights it prepared and holds (folded, transformed).
    var preparedFloats: Int { get }
    /// Resolves its buffers (once, after the arena is laid out) and prepares its weights.
    /// - Throws: `LayerError` when the layer's configuration cannot run on the bound shapes.
    func bind(_ resolve: (PlannedValue) -> StridedBatch) throws
    /// Computes its output from its inputs.
    /// - Throws: only opaque steps (a layer's own `forward(_:)`) can fail.
    func run(workspace: Workspace) throws
    /// How many ways the step can compute its output (kernels, thread counts), for
    /// `InferencePlan.KernelSelection.measured` to time; the first is the shape's choice.
    var kernelChoices: Int { get }
    /// Switches to way `choice` (below `kernelChoices`), preparing its weights.
    func selectKernel(_ choice: Int)
    /// The choice that runs `choice`'s kernel on all threads (`choice` itself where it does).
    func onAllThreads(_ choice: Int) -> Int
}

extension PlanStep {
    /// One kernel only.
    var kernelChoices: Int { 1 }
    /// One kernel only: nothing to switch.
    func selectKernel(_ choice: Int) {}
    /// One kernel only, on as many threads as it asks for.
    func onAllThreads(_ choice: Int) -> Int { choice }
}

/// Where a step comes from: the layer's path and kind, and the layers fused into its output pass.
struct PlanStepOrigin {
    /// The dotted path of the layer ("" for the model itself).
    var path: String
    /// The layer's kind ("Conv2d").
    var kind: String
    /// Kinds of the layers folded into this step's output pass ("BatchNorm2d", "ReLU").
    var fused: [String] = []
}

/// A step whose output pass applies a per-channel affine map and clamp, so a following
/// BatchNorm or activation can be absorbed into it instead of running as a pass of its own.
protocol FinishingStep: PlanStep {
    /// The map and clamp applied as the output is stored.
    var finish: ChannelFinish { get set }
}
