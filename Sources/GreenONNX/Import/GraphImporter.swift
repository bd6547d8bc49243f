import GreenNN

/// Turns an ONNX graph into nested GreenNN layers: it walks from the graph's input along the
/// values, making a layer of each single-input node, and where a value feeds several nodes it
/// follows every branch to the `Add` or `Concat` where they meet, which becomes a `Residual`
/// (the `Relu` or `Clip` after the add folded in as its activation) or `Branches`. Graphs that
/// nest this way (chains, residual blocks, Inception- and Fire-style concatenations, nested in
/// each other) import; any other shape is an error naming the node where the walk stopped.
/// `Identity` and `Constant` nodes are resolved first, as aliases and constants.
struct GraphImporter {
    /// Where a walk along a chain stopped.
    private struct Walk {
        /// The layers met, in order.
        var layers: [any Layer]
        /// The last value reached.
        var value: String
        /// The joining node (`Add`, `Concat`) the chain ran into, nil at the graph's output.
        var join: Int?
        /// The value's shape at batch 1, when the graph's input shape is known.
        var shape: Shape?
    }

    /// The standard opset.
    private let opset: Int
    /// Every constant by value name: initializers, `Constant` outputs, aliases of them.
    private var constants: [String: TensorProto] = [:]
    /// The names of `constants`.
    private var constantNames: Set<String> = []
    /// The nodes that compute, `Identity` and `Constant` resolved away, inputs through aliases.
    private var nodes: [NodeProto] = []
    /// The nodes reading each computed value, by index into `nodes`.
    private var consumers: [String: [Int]] = [:]
    /// The nodes the walk has taken.
    private var visited = Set<Int>()
    /// How many chains the walk is inside (each fork's branches one deeper).
    private var depth = 0
    /// The deepest nesting of branches imported (a file cannot exhaust the stack).
    private static let maximumDepth = 256
    /// What each layer made from single nodes was imported from, for `BlockRecognition`.
    private var signatures: [ObjectIdentifier: NodeSignature] = [:]
    /// The graph's one data input.
    let inputName: String
    /// Its declared dimensions (nil entries symbolic), nil when undeclared.
    let inputDimensions: [Int?]?
    /// The graph's one output.
    private let outputName: String

    /// Resolves constants and aliases and indexes who reads each value.
    /// - Throws: `ONNXError` for a node of another domain, a graph with several inputs or
    ///   outputs, duplicate initializers, or a value read before anything produces it.
    init(graph: GraphProto, opset: Int) throws(ONNXError) {
        self.opset = opset
        guard !graph.hasSparseInitializers else {
            throw .invalidModel("the graph has sparse initializers, which GreenNN does not read")
        }
        for tensor in graph.initializers {
            guard constants.updateValue(tensor, forKey: tensor.name) == nil else {
                throw .invalidModel("initializer '\(tensor.name)' appears twice")
            }
        }
        var aliases: [String: String] = [:]
        var defined = Set(graph.initializers.map(\.name) + graph.inputs.map(\.name))
        for original in graph.nodes {
            var node = original
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw .unsupportedOperator(node: node.label, opType: "\(node.domain).\(node.opType)", opset: opset)
            }
            node.inputs = node.inputs.map { aliases[$0] ?? $0 }
            guard let output = node.outputs.first, !output.isEmpty else {
                throw .invalidModel("node \(node.label) (\(node.opType)) has no output")
            }
            for value in node.outputs where !value.isEmpty {
                guard defined.insert(value).inserted else {
                    throw .invalidModel(
                        "node \(node.label) (\(node.opType)) writes '\(value)', which is already defined")
                }
            }
            switch node.opType {
            case "Constant": constants[output] = try Self.constantValue(of: node, opset: opset)
            case "Identity":
                guard let input = node.inputs.first, !input.isEmpty else {
                    throw .invalidModel("Identity node \(node.label) has no input")
                }
                if var tensor = constants[input] {
                    tensor.name = output
                    constants[output] = tensor
                } else {
                    aliases[output] = input
                }
            default: nodes.append(node)
            }
        }
        let known = constants
        constantNames = Set(constants.keys)
        let dataInputs = graph.inputs.filter { known[$0.name] == nil }
        guard dataInputs.count == 1, let input = dataInputs.first else {
            throw .invalidModel(
                "the graph has \(dataInputs.count) inputs besides its initializers (\(dataInputs.map(\.name))); GreenNN models take one"
            )
        }
        guard graph.outputs.count == 1, let output = graph.outputs.first else {
            throw .invalidModel("the graph has \(graph.outputs.count) outputs; GreenNN models give one")
        }
        inputName = input.name
        inputDimensions = input.dimensions
        outputName = aliases[output.name] ?? output.name
        var produced: Set<String> = [inputName]
        for (index, node) in nodes.enumerated() {
            for value in node.inputs where !value.isEmpty && constants[value] == nil {
                guard produced.contains(value) else {
                    throw .invalidModel(
                        "node \(node.label) (\(node.opType)) reads '\(value)' before anything produces it")
                }
                consumers[value, default: []].append(index)
            }
            produced.formUnion(node.outputs.filter { !$0.isEmpty })
        }
    }

    /// The value a `Constant` node holds (`value`, `value_float(s)`, `value_int(s)`).
    private static func constantValue(of node: NodeProto, opset: Int) throws(ONNXError) -> TensorProto {
        let output = node.outputs[0]
        if var tensor = node.attributes["value"]?.tensor {
            guard !tensor.isExternal else { throw .externalData(tensor: tensor.name) }
            tensor.name = output
            return tensor
        }
        if let value = node.attributes["value_float"]?.float {
            return TensorProto(name: output, dimensions: [], floats: [value])
        }
        if let values = node.attributes["value_floats"]?.floats {
            return TensorProto(name: output, dimensions: [values.count], floats: values)
        }
        if let value = node.attributes["value_int"]?.integer {
            return TensorProto(name: output, dimensions: [], integers: [value])
        }
        if let values = node.attributes["value_ints"]?.integers {
            return TensorProto(name: output, dimensions: [values.count], integers: values)
        }
        throw .unsupportedAttribute(
            node: node.label, opType: "Constant", attribute: node.attributes.keys.sorted().joined(separator: ", "),
            value: "(not a dense tensor or number)", opset: opset)
    }

    /// The network's layers, blocks recognised (`BlockRecognition`).
    /// - Parameter shape: the input at batch 1 when known, to check every layer's shape on the way.
    /// - Throws: `ONNXError` naming the node where the graph cannot be imported.
    mutating func layers(input shape: Shape?) throws(ONNXError) -> [any Layer] {
        let walk = try chain(from: inputName, first: nil, shape: shape)
        if let join = walk.join {
            throw imported(join).unsupportedGraph("only one of its inputs comes from the network's input")
        }
        if let missed = nodes.indices.first(where: { !visited.contains($0) }) {
            throw imported(missed).unsupportedGraph("it is not on the path from the input '\(inputName)' to the output")
        }
        do {
            return try recognition.grouped(walk.layers)
        } catch {
            throw .invalidModel("the network's blocks cannot be built: \(error)")
        }
    }

    /// The block recognition over the layers built so far.
    private var recognition: BlockRecognition { BlockRecognition(signatures: signatures) }

    /// `nodes[index]` with the opset and constants.
    private func imported(_ index: Int) -> ImportedNode {
        ImportedNode(
            node: nodes[index], opset: opset, constants: constants, declaredBatch: inputDimensions?.first ?? nil)
    }

    /// The inputs of `nodes[index]` that are computed, not constant.
    private func dataInputs(_ index: Int) -> [String] {
        nodes[index].inputs.filter { !$0.isEmpty && constants[$0] == nil }
    }

    /// Whether a node reads `value` (or it is the graph's output).
    private func isUsed(_ value: String) -> Bool {
        consumers[value] != nil || value == outputName
    }

    /// Follows values from `start` (through `first`, when given, before anything else) until the
    /// graph's output or a node with several computed inputs.
    private mutating func chain(from start: String, first: Int?, shape: Shape?) throws(ONNXError) -> Walk {
        guard depth < Self.maximumDepth else {
            throw .invalidModel("branches nest more than \(Self.maximumDepth) deep at '\(start)'")
        }
        depth += 1
        defer { depth -= 1 }
        var walk = Walk(layers: [], value: start, join: nil, shape: shape)
        var pending = first
        while true {
            let index: Int
            if let next = pending {
                index = next
                pending = nil
            } else {
                let users = consumers[walk.value] ?? []
                if walk.value == outputName {
                    guard users.isEmpty else {
                        throw imported(users[0]).unsupportedGraph("it reads the graph's output '\(outputName)'")
                    }
                    return walk
                }
                guard !users.isEmpty else {
                    throw .invalidModel("value '\(walk.value)' is never used and is not the output")
                }
                if users.count > 1 {
                    try fork(&walk, users: users)
                    continue
                }
                index = users[0]
                if dataInputs(index).count > 1 {
                    walk.join = index
                    return walk
                }
            }
            try step(&walk, through: index)
        }
    }

    /// Adds the layer of the single-input node `index` to `walk`; a `MatMul` takes the `Add` of
    /// a constant after it as its bias.
    private mutating func step(_ walk: inout Walk, through index: Int) throws(ONNXError) {
        visited.insert(index)
        let node = imported(index)
        if node.opType == "Add" || node.opType == "Concat" {
            throw node.unsupportedGraph("it has one computed input; GreenNN adds constants only as a MatMul's bias")
        }
        if node.opType == "MatMul", let shape = walk.shape, shape.rank == 4 {
            try adaptivePool(&walk, through: index, input: shape)
            return
        }
        var layer = try OperatorImport.layer(for: node, input: walk.shape, used: isUsed)
        var output = nodes[index].outputs[0]
        var sources = [nodes[index]]
        if node.opType == "MatMul", let users = consumers[output], users.count == 1, nodes[users[0]].opType == "Add",
            dataInputs(users[0]).count == 1
        {
            let add = imported(users[0])
            let biasIndex = add.node.inputs[0] == output ? 1 : 0
            let bias = try add.weight(biasIndex, "bias")
            if let linear = layer as? Linear,
                let vector = OperatorImport.linearBias(bias, outputs: linear.outputFeatures)
            {
                layer = try OperatorImport.matrixProduct(node, bias: vector)
                visited.insert(users[0])
                output = add.node.outputs[0]
                sources.append(add.node)
            }
        }
        signatures[ObjectIdentifier(layer)] = NodeSignature(
            layer: layer, nodes: sources, constants: constantNames, input: walk.shape)
        walk.shape = try walk.shape.map { (shape) throws(ONNXError) in
            try outputShape(of: layer, input: shape, node: node)
        }
        walk.layers.append(layer)
        walk.value = output
    }

    /// `MatMul(X, columns)` then `MatMul(rows, ·)` by averaging matrices (as GreenNN exports an
    /// adaptive pool whose windows do not tile the plane) as `AdaptiveAvgPool2d`.
    private mutating func adaptivePool(_ walk: inout Walk, through index: Int, input: Shape) throws(ONNXError) {
        let node = imported(index)
        let reason = "GreenNN reads a MatMul on [N, C, H, W] only as half of an adaptive average pool"
        let output = nodes[index].outputs[0]
        guard let columns = try node.constant(1), columns.dimensions.count == 2, columns.dimensions[0] == input[3],
            let users = consumers[output], users.count == 1, nodes[users[0]].opType == "MatMul",
            nodes[users[0]].inputs.count == 2, nodes[users[0]].inputs[1] == output,
            let rows = try imported(users[0]).constant(0), rows.dimensions.count == 2, rows.dimensions[1] == input[2]
        else { throw node.unsupportedGraph(reason) }
        let size = Size2D(height: Int(rows.dimensions[0]), width: Int(columns.dimensions[1]))
        guard size.height >= 1, size.width >= 1,
            AveragingMatrix(input: input[3], output: size.width).matches(columns.floats, transposed: true),
            AveragingMatrix(input: input[2], output: size.height).matches(rows.floats, transposed: false)
        else { throw node.unsupportedGraph(reason + ", and these are not its averaging matrices") }
        let layer = try node.building { try AdaptiveAvgPool2d(outputSize: size) }
        visited.formUnion([index, users[0]])
        walk.shape = try outputShape(of: layer, input: input, node: node)
        walk.layers.append(layer)
        walk.value = nodes[users[0]].outputs[0]
    }

    /// Follows every branch from `walk.value` to the node where they meet and adds that join to
    /// `walk` as one layer.
    private mutating func fork(_ walk: inout Walk, users: [Int]) throws(ONNXError) {
        var ends: [Walk] = []
        var join: Int?
        for user in users {
            let branch =
                dataInputs(user).count > 1
                ? Walk(layers: [], value: walk.value, join: user, shape: walk.shape)
                : try chain(from: walk.value, first: user, shape: walk.shape)
            guard let reached = branch.join, join == nil || join == reached else {
                throw imported(user).unsupportedGraph(
                    "the branches from '\(walk.value)' do not meet again at one Add or Concat")
            }
            join = reached
            ends.append(branch)
        }
        guard let join else {
            throw imported(users[0]).unsupportedGraph("no branch from '\(walk.value)' goes anywhere")
        }
        visited.insert(join)
        let node = imported(join)
        let inputs = dataInputs(join)
        let ordered = inputs.compactMap { input in ends.first { $0.value == input } }
        guard ordered.count == inputs.count, inputs.count == ends.count, Set(inputs).count == inputs.count else {
            throw node.unsupportedGraph("its inputs \(inputs) are not exactly the branches from '\(walk.value)'")
        }
        switch node.opType {
        case "Add": try joinResidual(&walk, node: node, branches: ordered)
        case "Concat":
            let axis = try node.integer("axis", default: 1)
            guard axis == 1 || walk.shape.map({ axis == 1 - $0.rank }) == true else {
                throw node.unsupported("axis", "\(axis) (GreenNN concatenates channels, axis 1)")
            }
            guard ordered.allSatisfy({ !$0.layers.isEmpty }) else {
                throw node.unsupportedGraph("it concatenates its input with itself or a branch's output unchanged")
            }
            let branches = try node.building {
                try ordered.map { try BlockRecognition.single(recognition.grouped($0.layers)) }
            }
            let layer = try node.building { try Branches(branches) }
            walk.shape = try walk.shape.map { (shape) throws(ONNXError) in
                try outputShape(of: layer, input: shape, node: node)
            }
            walk.layers.append(layer)
            walk.value = node.node.outputs[0]
        default:
            throw node.unsupportedGraph("it reads \(inputs.count) computed values; only Add and Concat join branches")
        }
    }

    /// An `Add` of two branches as a `Residual`: the branch without layers is the identity
    /// shortcut, else the first input is the body and the second the shortcut; a lone `Relu` or
    /// `Clip` after the add becomes its activation.
    private mutating func joinResidual(_ walk: inout Walk, node: ImportedNode, branches: [Walk]) throws(ONNXError) {
        guard branches.count == 2 else {
            throw node.unsupportedGraph("it adds \(branches.count) values; GreenNN adds two")
        }
        let (body, other) = branches[0].layers.isEmpty ? (branches[1], branches[0]) : (branches[0], branches[1])
        if let bodyShape = body.shape, let otherShape = other.shape, bodyShape != otherShape {
            throw node.invalid("adds \(bodyShape) to \(otherShape); GreenNN's residual add needs equal shapes")
        }
        var output = node.node.outputs[0]
        var activation: Activation?
        if let users = consumers[output], users.count == 1, ["Relu", "Clip"].contains(nodes[users[0]].opType),
            dataInputs(users[0]).count == 1
        {
            let layer = try OperatorImport.layer(for: imported(users[0]), input: body.shape, used: isUsed)
            activation = layer is ReLU6 ? .relu6 : .relu
            visited.insert(users[0])
            output = nodes[users[0]].outputs[0]
        }
        let shortcut = try node.building {
            other.layers.isEmpty
                ? Residual.Shortcut.identity
                : .layer(NamedLayer("downsample", try BlockRecognition.single(recognition.grouped(other.layers))))
        }
        let residual = try node.building {
            try recognition.residual(body: body.layers, shortcut: shortcut, activation: activation)
        }
        walk.shape = body.shape
        walk.layers.append(residual)
        walk.value = output
    }

    /// `layer`'s output shape for `input`, or an error naming `node`.
    private func outputShape(of layer: any Layer, input: Shape, node: ImportedNode) throws(ONNXError) -> Shape {
        do {
            return try layer.cost(for: input).output
        } catch {
            throw node.invalid("cannot take input \(input): \(error)")
        }
    }
}
