/// Softmax along the class axis (axis 1): each row of `[N, K]` sums to 1.
/// FLOPs: 5 per element (max compare, subtract, exp, sum, divide).
public final class Softmax: Layer {
    /// Training mode (no effect).
    public var isTraining = false

    /// Creates a softmax over axis 1.
    public init() {}

    /// `[N, K, …]` → same shape.
    /// - Throws: `LayerError` for rank below 2.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        return try LayerError.wrapping(kind) { try input.softmax(alongAxis: 1) }
    }

    /// 0 MACs; 5 FLOPs per element.
    /// - Throws: `LayerError` for rank below 2.
    public func cost(for input: Shape) throws -> LayerCost {
        guard input.rank >= 2 else { throw LayerError.inputShape(kind, expected: "[N, K, …]", actual: input) }
        return LayerCost.elementwise(kind: kind, input: input, flopsPerElement: 5)
    }

    /// `Softmax()`.
    public var description: String { "Softmax()" }
}
