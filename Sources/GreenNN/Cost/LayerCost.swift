/// One row of a cost table: what a layer (and, nested, its children) costs on one input.
///
/// Conventions (Docs/CostModel.md has every formula): a MAC is one multiply plus one add;
/// FLOPs are 2 per MAC plus one per other arithmetic operation (bias add, activation,
/// pooling compare, normalisation). Parameters of a shared block count once; its MACs and
/// FLOPs count per application.
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
    public init(
        kind: String, input: Shape, output: Shape, parameters: Int = 0, macs: Int = 0, flops: Int = 0,
        weightBytes: Int? = nil, activationBytes: Int? = nil, applications: Int = 1, children: [LayerCost] = [],
        name: String = ""
    ) {
        self.name = name
        self.kind = kind
        self.input = input
        self.output = output
        self.parameters = parameters
        self.macs = macs
        self.flops = flops
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

    /// The cost of a chain of children run in order (each one's output is the next one's
    /// input), as a row of `kind` whose children are theirs. `parameters` is the deduplicated
    /// count of the whole chain (a parameter object used twice counts once); weight bytes drop
    /// by the same amount.
    /// - Throws: the first child's error, its path prefixed with that child's name.
    public static func chain(
        kind: String, input: Shape, children: [NamedLayer], parameters: Int
    ) throws -> LayerCost {
        var shape = input
        var rows: [LayerCost] = []
        for child in children {
            let row = try LayerError.inChild(child.name, kind: child.layer.kind) {
                try child.layer.cost(for: shape)
            }
            rows.append(row.prefixed(with: child.name))
            shape = row.output
        }
        return combined(kind: kind, input: input, output: shape, rows: rows, parameters: parameters)
    }

    /// A row of `kind` summing `rows` (MACs, FLOPs, activation bytes), with `parameters`
    /// the deduplicated count and weight bytes reduced by what deduplication removed.
    public static func combined(
        kind: String, input: Shape, output: Shape, rows: [LayerCost], parameters: Int, extraFLOPs: Int = 0
    ) -> LayerCost {
        let summedParameters = rows.reduce(0) { $0 + $1.parameters }
        return LayerCost(
            kind: kind, input: input, output: output, parameters: parameters,
            macs: rows.reduce(0) { $0 + $1.macs }, flops: rows.reduce(0) { $0 + $1.flops } + extraFLOPs,
            weightBytes: rows.reduce(0) { $0 + $1.weightBytes } - 4 * (summedParameters - parameters),
            activationBytes: rows.reduce(0) { $0 + $1.activationBytes }, children: rows)
    }
}
