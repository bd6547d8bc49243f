/// A layer that can lower itself into an inference plan: instead of computing on tensors, it
/// adds steps to a `PlanBuilder` that read and write `PlannedValue`s, so the planner can fold
/// its BatchNorm into its weights, fuse its activation into its output pass, write it straight
/// into a concatenation, and keep its tensors in the plan's one arena.
///
/// A layer that does not adopt the protocol still runs inside a plan, as an opaque step: its
/// own `forward(_:)` on a copy of its input, its output copied into the arena (unfused and
/// allocating, but correct). Composite blocks built from planned layers get the protocol by
/// planning their children: `ChainedLayer` does it for every chain.
///
/// ```swift
/// extension MyScaledConv: InferencePlanning {
///     func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
///         let convolved = try builder.plan(conv, named: "conv", input: input)
///         return try builder.channelAffine(convolved, scale: scales, shift: nil)
///     }
/// }
/// ```
public protocol InferencePlanning: Layer {
    /// Adds this layer's inference computation on `input` to `builder` and returns its output.
    /// - Throws: `LayerError` when `input`'s shape does not fit the layer.
    func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue
}
