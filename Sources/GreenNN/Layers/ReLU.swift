/// ReLU: `max(x, 0)`, any shape. FLOPs: 1 per element (a compare).
public final class ReLU: Layer {
    /// Training mode (no effect).
    public var isTraining = false

    /// Creates a ReLU.
    public init() {}

    /// Any shape → same shape.
    public func forward(_ input: Tensor) throws -> Tensor { relu(input) }

    /// 0 MACs; 1 FLOP per element.
    public func cost(for input: Shape) throws -> LayerCost {
        LayerCost.elementwise(kind: kind, input: input, flopsPerElement: 1)
    }

    /// `ReLU()`.
    public var description: String { "ReLU()" }
}
