/// Parallel branches on the same input, their outputs concatenated along the channel axis
/// (the pattern of SqueezeNet's expand stage and Inception blocks).
///
/// - Input: `[N, C, H, W]` (each branch must take it) → Output: `[N, ΣCᵢ, H', W']`, every
///   branch producing the same `N, H', W'`.
/// - Cost: the sum of the branches; concatenation is a copy (0 FLOPs).
public final class Branches: ContainerLayer {
    /// The branches, in the order their channels appear in the output.
    public let branches: [any Layer]
    /// Training mode; `train()` / `eval()` set it on every branch too.
    public var isTraining = false

    /// Branches over the same input.
    /// - Throws: `LayerError` when `branches` is empty.
    public init(_ branches: [any Layer]) throws {
        guard !branches.isEmpty else { throw LayerError.invalidConfiguration("Branches", "needs at least one branch") }
        self.branches = branches
    }

    /// Branches from a result builder, one per line.
    /// - Throws: `LayerError` when empty, or whatever building a branch throws.
    public convenience init(@LayerBuilder _ build: () throws -> [any Layer]) throws {
        try self.init(try build())
    }

    /// Runs every branch on `input` and concatenates the outputs along axis 1.
    /// - Throws: a branch's error (path prefixed), or `LayerError` when the outputs disagree
    ///   on any axis but channels.
    public func forward(_ input: Tensor) throws -> Tensor {
        let outputs = try children.map { child in
            try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.forward(input) }
        }
        return try LayerError.wrapping(kind) { try concatenate(outputs, alongAxis: 1) }
    }

    /// `"0"`, `"1"`, … in order.
    public var children: [NamedLayer] {
        branches.enumerated().map { NamedLayer(String($0.offset), $0.element) }
    }

    /// Each branch costed on the same input; output channels summed.
    /// - Throws: a branch's error (path prefixed), or `LayerError` when the branch outputs
    ///   disagree on any axis but channels.
    public func cost(for input: Shape) throws -> LayerCost {
        let rows = try children.map { child in
            try LayerError.inChild(child.name, kind: child.layer.kind) { try child.layer.cost(for: input) }
                .prefixed(with: child.name)
        }
        var output = rows[0].output
        guard output.rank >= 2 else {
            throw LayerError.inputShape(kind, expected: "branch outputs [N, C, …]", actual: output)
        }
        output[1] = 0
        for row in rows {
            var expected = rows[0].output
            expected[1] = row.output.rank == expected.rank ? row.output[1] : -1
            guard row.output == expected else {
                throw LayerError(
                    kind: kind,
                    reason: .invalidState("branch outputs must match on every axis but channels: \(rows[0].output) vs \(row.output)"))
            }
            output[1] += row.output[1]
        }
        var cost = LayerCost.combined(for: self, input: input, output: output, rows: rows)
        cost.activationBytes += 4 * output.elementCount
        return cost
    }

    /// The indented tree of branches.
    public var description: String { tree }
}
