/// One row of a cost table: what a layer (and, nested, its children) costs on one input.
///
/// Conventions (Docs/CostModel.md has every formula): a MAC is one multiply plus one add;
/// FLOPs are 2 per MAC plus one per other arithmetic operation (bias add, activation,
/// pooling compare, normalisation). Parameters of a shared block count once; its MACs and
/// FLOPs count per application. Backward MACs and FLOPs are one backward pass's work with
/// every input gradient computed (the "Training cost" section of Docs/CostModel.md).
public struct LayerCost: Equatable, Sendable {
    /// The dotted path of the layer in its model ("features.3.depthwise"); "" for the root.
    public var name: String
    /// The layer's kind ("Conv2d").
    public var kind: String
    /// Input shape, batch included.
    public var input: Shape
    /// Output shape, batch included.
    public var output: Shape
    /// Learnable scalars, each shared one once.
    public var parameters: Int
    /// Multiply-accumulates of one forward pass.
    public var macs: Int
    /// Floating-point operations of one forward pass.
    public var flops: Int
    /// Multiply-accumulates of one backward pass, input gradient included (a conv's or linear
    /// layer's weight-gradient GEMM plus its input-gradient GEMM: twice its forward MACs).
    public var backwardMACs: Int
    /// Floating-point operations of one backward pass, input gradient included.
    public var backwardFLOPs: Int
    /// Bytes of stored tensors the layer reads: parameters and buffers (BatchNorm's running
    /// statistics), Float32.
    public var weightBytes: Int
    /// Bytes of the output activations the layer writes, Float32.
    public var activationBytes: Int
    /// How many times the layer runs per forward pass (> 1 for a shared block).
    public var applications: Int
    /// Nested rows, in execution order.
    public var children: [LayerCost]

    /// A cost row; `weightBytes` defaults to 4 bytes per parameter and `activationBytes` to
    /// 4 bytes per output element.
    ///
    /// The defaults are unchecked arithmetic: a `cost(for:)` implementation checks its output
    /// first (`CostArithmetic.outputElementCount(_:)`), as it checks every other count it computes.
    public init(
        kind: String, input: Shape, output: Shape, parameters: Int = 0, macs: Int = 0, flops: Int = 0,
        backwardMACs: Int = 0, backwardFLOPs: Int = 0, weightBytes: Int? = nil, activationBytes: Int? = nil,
        applications: Int = 1, children: [LayerCost] = [], name: String = ""
    ) {
        self.name = name
        self.kind = kind
        self.input = input
        self.output = output
        self.parameters = parameters
        self.macs = macs
        self.flops = flops
        self.backwardMACs = backwardMACs
        self.backwardFLOPs = backwardFLOPs
        self.weightBytes = weightBytes ?? 4 * parameters
        self.activationBytes = activationBytes ?? 4 * output.elementCount
        self.applications = applications
        self.children = children
    }

    /// This row and its descendants re-rooted under a parent in which the layer is `name`.
    public func prefixed(with name: String) -> LayerCost {
        var copy = self
        copy.name = self.name.isEmpty ? name : name + "." + self.name
        copy.children = children.map { $0.prefixed(with: name) }
        return copy
    }

    /// Every row of this cost tree by its dotted path (the root under its own name, "" at the top).
    public var rowsByPath: [String: LayerCost] {
        var rows: [String: LayerCost] = [name: self]
        for child in children { rows.merge(child.rowsByPath) { first, _ in first } }
        return rows
    }

    /// The rows of `children` run in order on `input` (each one's output is the next one's
    /// input), with paths prefixed, and the final output shape.
    /// - Throws: the first child's error, its path prefixed with that child's name.
    static func rows(of children: [NamedLayer], input: Shape) throws -> (rows: [LayerCost], output: Shape) {
        var shape = input
        var rows: [LayerCost] = []
        for child in children {
            let row = try LayerError.inChild(child.name, kind: child.layer.kind) {
                try child.layer.cost(for: shape)
            }
            rows.append(row.prefixed(with: child.name))
            shape = row.output
        }
        return (rows, shape)
    }

    /// The cost of `layer` whose `children` run in order, as a row whose children are theirs.
    /// - Throws: the first child's error, its path prefixed with that child's name.
    public static func chain(for layer: any Layer, input: Shape, children: [NamedLayer]) throws -> LayerCost {
        let (rows, output) = try rows(of: children, input: input)
        return try combined(for: layer, input: input, output: output, rows: rows)
    }

    /// A row for `layer` summing `rows` (forward and backward MACs and FLOPs, activation
    /// bytes). Parameters and weight bytes come from `layer` itself, so a parameter or buffer
    /// reached twice counts once.
    /// - Throws: `LayerError` (`.sizeOverflow`) when a sum, or the output's size, overflows `Int`.
    public static func combined(
        for layer: any Layer, input: Shape, output: Shape, rows: [LayerCost]
    ) throws -> LayerCost {
        let arithmetic = try CostArithmetic(kind: layer.kind, input: input)
        _ = try arithmetic.outputElementCount(output)
        return LayerCost(
            kind: layer.kind, input: input, output: output, parameters: layer.parameterCount,
            macs: try arithmetic.sum("MAC count", of: rows.lazy.map(\.macs)),
            flops: try arithmetic.sum("FLOP count", of: rows.lazy.map(\.flops)),
            backwardMACs: try arithmetic.sum("backward MAC count", of: rows.lazy.map(\.backwardMACs)),
            backwardFLOPs: try arithmetic.sum("backward FLOP count", of: rows.lazy.map(\.backwardFLOPs)),
            weightBytes: 4 * layer.storedFloatCount,
            activationBytes: try arithmetic.sum("activation byte count", of: rows.lazy.map(\.activationBytes)),
            children: rows)
    }
}
