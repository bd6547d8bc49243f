/// ReLU6: `min(max(x, 0), 6)` (MobileNet), any shape. FLOPs: 2 per element (two compares).
public final class ReLU6: Layer {
    /// Training mode (no effect).
    public var isTraining = false

    /// Creates a ReLU6.
    public init() {}

    /// Any shape → same shape.
    public func forward(_ input: Tensor) throws -> Tensor { relu6(input) }

    /// 0 MACs; 2 FLOPs per element.
    public func cost(for input: Shape) throws -> LayerCost {
        LayerCost.elementwise(kind: kind, input: input, flopsPerElement: 2)
    }

    /// `ReLU6()`.
    public var description: String { "ReLU6()" }
}
