import Foundation

/// A model compiled for inference on one input shape: built once, then called many times.
///
/// Building walks the model through `InferencePlanning` (`PlanBuilder`): every BatchNorm is
/// folded into the weights of the conv or linear layer before it, every activation is applied
/// as its producer stores its output, Fire's and `Branches`' branches write straight into their
/// channels of the concatenation, flatten and dropout become views, and every tensor gets a
/// place in one arena laid out by the tensors' lifetimes (`ArenaLayout`). The weights are
/// copied (folded) when the plan is built: rebuild it after changing them.
///
/// A call copies the input into the arena, runs the steps, and copies the output out; after
/// the first call it allocates no buffer (`BufferAllocations`) when every layer of the model
/// is planned (an opaque layer allocates what its own `forward(_:)` allocates). The result is
/// the eager forward pass's in inference mode, up to rounding.
///
/// ```swift
/// model.eval()
/// let plan = try model.inferencePlan(for: [1, 3, 224, 224])
/// let logits = try plan(image)              // [1, 1000]
/// print(plan)                               // each step, its kernel and its MACs
/// ```
public final class InferencePlan: CompiledPlan, CustomStringConvertible {
    /// How a plan picks each step's kernel where there is a choice (Winograd or im2col for a
    /// 3x3 stride-1 conv).
    public enum KernelSelection: Sendable {
        /// By the step's shape, with fixed thresholds: fast to build, the same choice every time.
        case byShape
        /// By timing every candidate kernel of every step inside whole passes over the plan,
        /// on its own buffers, while building (FFTW's `FFTW_MEASURE`): slower to build, the
        /// fastest kernels on this machine as they run in this network.
        case measured
    }

    /// One step of a plan, as it prints.
    public struct Step: Sendable, Equatable {
        /// The dotted path of the layer it computes ("features.3.pointwise").
        public let path: String
        /// That layer's kind ("Conv2d").
        public let kind: String
        /// The kinds of the layers folded into its output pass ("BatchNorm2d", "ReLU").
        public let fused: [String]
        /// The kernel it runs ("im2col+sgemm", "depthwise direct", "opaque forward").
        public let kernel: String
        /// The shape it writes.
        public let outputShape: Shape
        /// Multiply-accumulates of the layer, as the cost tables count them.
        public let modelMACs: Int
        /// Multiply-accumulates its kernel executes (fewer for Winograd).
        public let executedMACs: Int
    }

    /// The input shape the plan was built for; a call with another shape throws.
    public let inputShape: Shape
    /// The shape of its output.
    public let outputShape: Shape
    /// The steps in execution order.
    public let steps: [Step]
    /// Bytes of the activation arena (every intermediate tensor, placed by lifetime).
    public let arenaBytes: Int
    /// Bytes of the weights the plan prepared (folded, transformed) and holds, and of those its
    /// opaque layers keep.
    public let weightBytes: Int

    private let planned: [any PlanStep]
    private let arena: PackedFloats
    private let input: StridedBatch
    private let output: StridedBatch
    private let workspace = Workspace()
    /// The builder's buffer the input is copied into (calibration observes it by this index).
    let inputBuffer: Int
    /// The builder's buffer each step writes, and the region it writes.
    let stepOutputs: [(buffer: Int, region: StridedBatch)]

    /// Plans `model` for inputs of shape `input`, each kernel picked by `kernelSelection`.
    /// - Throws: `LayerError` (with the failing layer's path) when the shape does not fit the model.
    public convenience init(_ model: any Layer, input: Shape, kernelSelection: KernelSelection = .byShape) throws {
        try self.init(model, input: input, kernelSelection: kernelSelection, writingEveryValue: false)
    }

    /// Plans `model` as `init(_:input:kernelSelection:)` does; with `writingEveryValue`, every
    /// value the builder plans gets written to its own region (no `DepthwisePairStep`), so that
    /// calibration can observe each step's output.
    /// - Throws: `LayerError` (with the failing layer's path) when the shape does not fit the model.
    init(_ model: any Layer, input: Shape, kernelSelection: KernelSelection, writingEveryValue: Bool) throws {
        _ = try model.cost(for: input)  // every size the plan will hold, checked against overflow first
        let builder = PlanBuilder(fusingDepthwisePairs: !writingEveryValue)
        let inputValue = builder.input(input)
        let outputValue = try builder.planLayer(model, input: inputValue)
        builder.share(outputValue)
        let layout = ArenaLayout(builder, input: inputValue, output: outputValue)
        let arena = PackedFloats(count: layout.size) { $0.initialize(repeating: 0, count: layout.size) }
        func resolve(_ value: PlannedValue) -> StridedBatch {
            let (buffer, offset, imageSize) = builder.root(of: value.id)
            return StridedBatch(
                base: arena.base + layout.offsets[buffer] + offset, shape: value.shape, imageStride: imageSize)
        }
        for step in builder.steps { try step.bind(resolve) }
        if kernelSelection == .measured { try Self.selectFastestKernels(builder.steps, workspace: workspace) }
        self.arena = arena
        self.planned = builder.steps
        self.inputBuffer = builder.root(of: inputValue.id).buffer
        self.stepOutputs = builder.steps.map { (builder.root(of: $0.output.id).buffer, resolve($0.output)) }
        self.input = resolve(inputValue)
        self.output = resolve(outputValue)
        self.inputShape = input
        self.outputShape = outputValue.shape
        self.arenaBytes = layout.size * MemoryLayout<Float>.stride
        self.weightBytes = builder.steps.reduce(0) { $0 + $1.preparedFloats } * MemoryLayout<Float>.stride
        self.steps = builder.steps.map { step in
            Step(
                path: step.origin.path, kind: step.origin.kind, fused: step.origin.fused, kernel: step.kernel,
                outputShape: step.output.shape, modelMACs: step.modelMACs, executedMACs: step.executedMACs)
        }
    }

    /// Times every step's kernel choices inside whole passes over the plan and keeps each
    /// step's fastest: pass round `r` runs choice `r` of every step that has one (the others
    /// their fastest so far), a warm-up and then three timed passes, each step timed as it
    /// runs. In place, a step finds its weights and input in the caches as the steps before
    /// it left them; timed alone, over and over, it finds them cached. Alone, a 512-channel
    /// 3x3 conv on a 2x2 plane (vgg16-cifar) ran 0.24 ms on the packed GEMM and 0.34 streaming
    /// its weights, in place 0.47 and 0.33: its 9.4 MB of weights stay in L3 when it repeats.
    /// Where some steps then run on one thread, whole passes decide between that and every step
    /// on all threads: a step on one thread lets the other workers sleep, and the next parallel
    /// step pays to wake them, which no step's own time shows (LeNet-5 at batch 64 on two
    /// threads: its first conv on one, its pools on two, 0.60 ms a pass, all on two 0.33).
    /// - Throws: what a step's `run(workspace:)` throws.
    static func selectFastestKernels(_ steps: [any PlanStep], workspace: Workspace) throws {
        let rounds = steps.map(\.kernelChoices).max() ?? 1
        guard rounds > 1 else { return }
        var fastest = steps.map { _ in (choice: 0, seconds: Double.infinity) }
        for round in 0..<rounds {
            for (index, step) in steps.enumerated() {
                step.selectKernel(round < step.kernelChoices ? round : fastest[index].choice)
            }
            for pass in 0..<4 {
                for (index, step) in steps.enumerated() {
                    let start = ContinuousClock.now
                    try step.run(workspace: workspace)
                    let seconds = start.secondsUntilNow
                    if pass > 0, round < step.kernelChoices, seconds < fastest[index].seconds {
                        fastest[index] = (round, seconds)
                    }
                }
            }
        }
        let chosen = fastest.map(\.choice)
        let parallel = zip(steps, chosen).map { $0.onAllThreads($1) }
        let kept =
            try chosen == parallel || passSeconds(steps, parallel, workspace) <= passSeconds(steps, chosen, workspace)
            ? parallel : chosen
        for (step, choice) in zip(steps, kept) { step.selectKernel(choice) }
    }

    /// The fastest of three whole passes (after a warm-up) with every step on its `choices` entry.
    private static func passSeconds(_ steps: [any PlanStep], _ choices: [Int], _ workspace: Workspace) throws -> Double
    {
        for (step, choice) in zip(steps, choices) { step.selectKernel(choice) }
        var fastest = Double.infinity
        for pass in 0..<4 {
            let start = ContinuousClock.now
            for step in steps { try step.run(workspace: workspace) }
            if pass > 0 { fastest = Swift.min(fastest, start.secondsUntilNow) }
        }
        return fastest
    }

    /// `run(_:into:)` with each step wrapped by `around(index, body)`, which must call `body`
    /// once: how `greenbench run --layers` times the steps.
    /// - Throws: as `run(_:into:)`, or what `around` throws.
    public func run(
        _ input: Tensor, into output: inout Tensor, around: (Int, () throws -> Void) throws -> Void
    ) throws {
        try Self.check(input, output, inputShape: inputShape, outputShape: outputShape, plan: "InferencePlan")
        withExtendedLifetime(input) { StridedBatch(tensor: input).copy(into: self.input) }
        for (index, step) in planned.enumerated() {
            try around(index) { try step.run(workspace: workspace) }
        }
        let (result, shape) = (self.output, outputShape)
        output.withUnsafeMutableBufferPointer { result.copy(into: StridedBatch(base: $0.baseAddress!, shape: shape)) }
    }

    /// Checks that a call's `input` and `output` have the shapes `plan` (a plan's kind) was built for.
    /// - Throws: `LayerError` naming both shapes.
    static func check(
        _ input: Tensor, _ output: Tensor, inputShape: Shape, outputShape: Shape, plan: String
    ) throws(LayerError) {
        guard input.shape == inputShape else {
            throw LayerError.inputShape(
                plan, expected: "\(inputShape) (the shape the plan was built for)", actual: input.shape)
        }
        guard output.shape == outputShape else {
            throw LayerError.inputShape(plan, expected: "an output tensor of \(outputShape)", actual: output.shape)
        }
    }

    /// Model MACs of the whole plan, as the cost tables count them.
    public var modelMACs: Int { steps.reduce(0) { $0 + $1.modelMACs } }

    /// MACs the plan's kernels execute.
    public var executedMACs: Int { steps.reduce(0) { $0 + $1.executedMACs } }

    /// One line per step: path, kind (with what was fused into it), kernel, output shape, model
    /// and executed MACs; then the arena and weight bytes.
    public var description: String {
        var lines = ["InferencePlan \(inputShape) -> \(outputShape): \(steps.count) steps"]
        for (index, step) in steps.enumerated() {
            let kind = ([step.kind] + step.fused).joined(separator: "+")
            lines.append(
                "  \(index): \(step.path.isEmpty ? "-" : step.path) \(kind) [\(step.kernel)] -> \(step.outputShape)"
                    + " MACs \(step.modelMACs)"
                    + (step.executedMACs != step.modelMACs ? " (executes \(step.executedMACs))" : ""))
        }
        lines.append("arena \(arenaBytes) bytes, weights \(weightBytes) bytes")
        return lines.joined(separator: "\n")
    }
}

extension Layer {
    /// This model compiled for inference on inputs of shape `input` (see `InferencePlan`), each
    /// kernel picked by `kernelSelection`.
    /// - Throws: `LayerError` when the shape does not fit the model.
    public func inferencePlan(
        for input: Shape, kernelSelection: InferencePlan.KernelSelection = .byShape
    ) throws -> InferencePlan {
        try InferencePlan(self, input: input, kernelSelection: kernelSelection)
    }
}
