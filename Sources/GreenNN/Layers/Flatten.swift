/// Flattens every axis after the batch: `[N, d1, d2, …]` → `[N, d1·d2·…]` (no copy).
/// 0 MACs, 0 FLOPs, 0 activation bytes (a view).
public final class Flatten: Layer {
    /// Training mode (no effect).
    public var isTraining = false

    /// Creates a flatten layer.
    public init() {}

    /// `[N, …]` → `[N, product of the rest]`.
    /// - Throws: `LayerError` for a rank-0 input.
    public func forward(_ input: Tensor) throws -> Tensor {
        let output = try cost(for: input.shape).output
        return try LayerError.wrapping(kind) { try input.reshaped(to: output) }
    }

    /// A reshape: no arithmetic, no new memory.
    /// - Throws: `LayerError` for a rank-0 input.
    public func cost(for input: Shape) throws -> LayerCost {
        guard input.rank >= 1 else { throw LayerError.inputShape(kind, expected: "[N, …]", actual: input) }
        let output: Shape = [input[0], input.dimensions.dropFirst().reduce(1, *)]
        return LayerCost(kind: kind, input: input, output: output, activationBytes: 0)
    }

    /// `Flatten()`.
    public var description: String { "Flatten()" }
}
