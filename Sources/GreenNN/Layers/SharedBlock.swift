/// One block applied `repetitions` times with the same parameters (static parameter sharing,
/// as in ALBERT, Lan et al. 2019): `y = f(f(…f(x)))`. Its input and output shapes must match.
///
/// - Input: `[N, …]` → Output: the same shape.
/// - Parameters: the block's, once. MACs and FLOPs: the block's, `repetitions` times.
/// - Child: `block`; cost tables mark the row "×n".
public final class SharedBlock: Layer {
    /// The shared block.
    public let block: any Layer
    /// How many times it is applied.
    public let repetitions: Int
    /// Training mode; `train()` / `eval()` set it on the block too.
    public var isTraining = false

    /// Wraps `block`, applied `repetitions` times.
    /// - Throws: `LayerError` when `repetitions < 1`.
    public init(_ block: any Layer, repetitions: Int) throws {
        try LayerValidation.positive(repetitions, "repetitions", in: "SharedBlock")
        self.block = block
        self.repetitions = repetitions
    }

    /// Applies the block `repetitions` times.
    /// - Throws: the block's error (path "block"), or `LayerError` when the block changes the shape.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        var value = input
        for _ in 0..<repetitions { value = try forwardChain(children, value) }
        return value
    }

    /// The block, once.
    public var children: [NamedLayer] { [NamedLayer("block", block)] }

    /// The block's row once (its parameters and weight bytes), its MACs, FLOPs and
    /// activation bytes `repetitions` times.
    /// - Throws: the block's error, or `LayerError` when the block changes the shape.
    public func cost(for input: Shape) throws -> LayerCost {
        let row = try LayerError.inChild("block", kind: block.kind) { try block.cost(for: input) }.prefixed(with: "block")
        guard row.output == input else {
            throw LayerError(
                kind: kind,
                reason: .invalidState("the shared block must keep its input shape to be repeated: \(input) -> \(row.output)"))
        }
        return LayerCost(
            kind: kind, input: input, output: input, parameters: parameterCount, macs: repetitions * row.macs,
            flops: repetitions * row.flops, weightBytes: 4 * storedFloatCount,
            activationBytes: repetitions * row.activationBytes, applications: repetitions, children: [row])
    }

    /// `SharedBlock(×3)`; trees show the block beneath it.
    public var description: String { "SharedBlock(×\(repetitions))" }
}
