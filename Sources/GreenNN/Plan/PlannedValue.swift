/// A tensor of an inference plan under construction: the plan's input, or the output of a
/// step that later steps read. `PlanBuilder` hands them out; layers pass them on.
public struct PlannedValue: Hashable, Sendable {
    /// The tensor's shape, batch included.
    public let shape: Shape
    /// Its index among the builder's values.
    let id: Int
}
