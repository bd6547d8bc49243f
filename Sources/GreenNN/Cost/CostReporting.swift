/// Anything that can state, without running, what it costs on an input of a given shape.
public protocol CostReporting {
    /// The cost of one forward pass on an input of shape `input` (batch included).
    /// - Throws: `LayerError` when the layer cannot take that shape.
    func cost(for input: Shape) throws -> LayerCost
}
