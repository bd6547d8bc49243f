import GreenNN

/// Writes a layer tree as an ONNX graph (opset 17): each layer becomes the nodes that compute
/// what its `forward(_:)` computes, in inference mode.
///
/// - Containers and blocks whose children run in order (`Sequential`, depthwise-separable,
///   flattened, shrinked, low-rank) export their children in turn, so a flattened conv is its
///   three convs and a low-rank linear its two `Gemm`s; `Branches` and `Fire` end in a
///   `Concat`; `Residual` in an `Add` (and its activation).
/// - `SharedBlock` exports its block once per use, every use reading the same initializers.
/// - Initializers are named by the parameter's dotted path (`features.0.weight`, a
///   BatchNorm's `…running_mean`), as GreenNN's state_dict names them.
/// - Adaptive average pooling (and `AreaResample`) exports as `GlobalAveragePool` or
///   `AveragePool` when the windows tile the plane, else as two `MatMul`s by constant
///   averaging matrices (rows, then columns), which is exact.
/// - `Dropout` exports as nothing (inference).
struct GraphExporter {
    /// The opset written.
    static let opset = 17
    /// The IR version that goes with opset 17.
    static let irVersion = 8

    /// The nodes written so far, in order.
    private(set) var nodes: [NodeProto] = []
    /// The initializers written so far.
    private(set) var initializers: [TensorProto] = []
    /// Each parameter's initializer, so a shared one is written once.
    private var parameterNames: [ObjectIdentifier: String] = [:]
    /// Each BatchNorm's running-statistics initializers.
    private var bufferNames: [ObjectIdentifier: [String]] = [:]
    /// The shared scalar initializers by key.
    private var constantNames: [String: String] = [:]
    /// Every node, value and initializer name taken ("input" and "output" from the start).
    private var usedNames: Set<String> = ["input", "output"]

    /// A value flowing through the graph: its name and its shape at batch 1.
    struct Value {
        /// The ONNX value name.
        var name: String
        /// Its shape with batch 1.
        var shape: Shape
    }

    /// Exports `layer` at `path` on `input`.
    /// - Throws: `ONNXError.unsupportedLayer` for a layer with no ONNX form, `.invalidNode` when
    ///   a layer cannot take the shape it is given.
    mutating func export(_ layer: any Layer, path: String, input: Value) throws(ONNXError) -> Value {
        switch layer {
        case let conv as Conv2d:
            return try convolution(
                path, input, layer, weight: conv.weight, bias: conv.bias, kernel: conv.kernelSize, stride: conv.stride,
                padding: conv.padding, dilation: conv.dilation, groups: conv.groups)
        case let conv as DepthwiseConv2d:
            return try convolution(
                path, input, layer, weight: conv.weight, bias: conv.bias, kernel: conv.kernelSize, stride: conv.stride,
                padding: conv.padding, dilation: conv.dilation, groups: conv.channels)
        case let norm as BatchNorm2d:
            let names = buffers(of: norm, path: path)
            return try node(
                "BatchNormalization", path, input, layer,
                inputs: [parameter(norm.weight, path + ".weight"), parameter(norm.bias, path + ".bias")] + names,
                attributes: [AttributeProto(name: "epsilon", float: norm.epsilon)])
        case is ReLU: return try node("Relu", path, input, layer)
        case is ReLU6:
            return try node(
                "Clip", path, input, layer,
                inputs: [sharedScalar(0, key: "relu6.min"), sharedScalar(6, key: "relu6.max")])
        case let pool as MaxPool2d:
            return try node(
                "MaxPool", path, input, layer,
                attributes: window(pool.kernelSize, pool.stride, pool.padding) + [
                    AttributeProto(name: "dilations", integers: pair(pool.dilation)),
                    AttributeProto(name: "ceil_mode", integer: pool.ceilMode ? 1 : 0),
                ])
        case let pool as AvgPool2d:
            return try node(
                "AveragePool", path, input, layer,
                attributes: window(pool.kernelSize, pool.stride, pool.padding) + [
                    AttributeProto(name: "count_include_pad", integer: pool.countIncludesPadding ? 1 : 0),
                    AttributeProto(name: "ceil_mode", integer: pool.ceilMode ? 1 : 0),
                ])
        case is GlobalAvgPool2d: return try node("GlobalAveragePool", path, input, layer)
        case is AdaptiveAvgPool2d, is AreaResample: return try adaptivePool(path, input, layer)
        case is Flatten:
            return try node("Flatten", path, input, layer, attributes: [AttributeProto(name: "axis", integer: 1)])
        case let linear as Linear:
            var inputs = [parameter(linear.weight, path + ".weight")]
            if let bias = linear.bias { inputs.append(parameter(bias, path + ".bias")) }
            return try node(
                "Gemm", path, input, layer, inputs: inputs, attributes: [AttributeProto(name: "transB", integer: 1)])
        case is Dropout: return input
        case is Softmax:
            return try node("Softmax", path, input, layer, attributes: [AttributeProto(name: "axis", integer: 1)])
        case let fire as Fire: return try export(fire, path: path, input: input)
        case let branches as Branches:
            let outputs = try branches.branches.enumerated().map { (entry) throws(ONNXError) in
                try export(entry.element, path: child(path, "\(entry.offset)"), input: input)
            }
            return try concatenation(path, outputs, layer: layer, input: input)
        case let residual as Residual: return try export(residual, path: path, input: input)
        case let shared as SharedBlock:
            var value = input
            for _ in 0..<shared.repetitions {
                value = try export(shared.block, path: child(path, "block"), input: value)
            }
            return value
        case is any ChainedLayer:
            var value = input
            for named in layer.children {
                value = try export(named.layer, path: child(path, named.name), input: value)
            }
            return value
        default:
            throw .unsupportedLayer(path: path, kind: layer.kind)
        }
    }

    /// The squeeze stage, both expand stages on its output, and their concatenation.
    private mutating func export(_ fire: Fire, path: String, input: Value) throws(ONNXError) -> Value {
        func stage(_ conv: Conv2d, _ name: String, _ value: Value) throws(ONNXError) -> Value {
            let output = try export(conv, path: child(path, name), input: value)
            guard let activation = fire.activation else { return output }
            return try export(activation.makeLayer(), path: child(path, name + "_activation"), input: output)
        }
        let squeezed = try stage(fire.squeeze, "squeeze", input)
        let expanded = [
            try stage(fire.expand1x1, "expand1x1", squeezed), try stage(fire.expand3x3, "expand3x3", squeezed),
        ]
        return try concatenation(path, expanded, layer: fire, input: input)
    }

    /// The body, the shortcut, their `Add`, and the activation.
    private mutating func export(_ residual: Residual, path: String, input: Value) throws(ONNXError) -> Value {
        var body = input
        for named in residual.body {
            body = try export(named.layer, path: child(path, named.name), input: body)
        }
        let sum: Value
        switch residual.shortcut {
        case .none: sum = body
        case .identity:
            sum = try node("Add", path, body, residual, inputs: [input.name], output: body.shape, suffix: "add")
        case let .layer(named):
            let shortcut = try export(named.layer, path: child(path, named.name), input: input)
            sum = try node("Add", path, body, residual, inputs: [shortcut.name], output: body.shape, suffix: "add")
        }
        guard let activation = residual.activation else { return sum }
        return try export(activation.makeLayer(), path: child(path, "activation"), input: sum)
    }

    /// `Concat` of `outputs` on channels, with `layer`'s output shape for `input`.
    private mutating func concatenation(
        _ path: String, _ outputs: [Value], layer: any Layer, input: Value
    ) throws(ONNXError) -> Value {
        let shape = try outputShape(of: layer, input: input.shape, path: path)
        let name = unique(path.isEmpty ? "concat" : path + ".concat")
        nodes.append(
            NodeProto(
                opType: "Concat", name: name, inputs: outputs.map(\.name), outputs: [name + "_output"],
                attributes: [AttributeProto(name: "axis", integer: 1)]))
        return Value(name: name + "_output", shape: shape)
    }

    /// A `Conv` node with the weight (and bias) as initializers.
    private mutating func convolution(
        _ path: String, _ input: Value, _ layer: any Layer, weight: Parameter, bias: Parameter?, kernel: Size2D,
        stride: Size2D, padding: Size2D, dilation: Size2D, groups: Int
    ) throws(ONNXError) -> Value {
        var inputs = [parameter(weight, path + ".weight")]
        if let bias { inputs.append(parameter(bias, path + ".bias")) }
        return try node(
            "Conv", path, input, layer, inputs: inputs,
            attributes: window(kernel, stride, padding) + [
                AttributeProto(name: "dilations", integers: pair(dilation)),
                AttributeProto(name: "group", integer: Int64(groups)),
            ])
    }

    /// Adaptive average pooling of `input` to `layer`'s output plane.
    private mutating func adaptivePool(_ path: String, _ input: Value, _ layer: any Layer) throws(ONNXError) -> Value {
        let shape = try outputShape(of: layer, input: input.shape, path: path)
        let (height, width) = (input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = (shape[2], shape[3])
        if (outputHeight, outputWidth) == (height, width) { return input }
        if (outputHeight, outputWidth) == (1, 1) { return try node("GlobalAveragePool", path, input, layer) }
        if height % outputHeight == 0, width % outputWidth == 0 {
            let window = Size2D(height: height / outputHeight, width: width / outputWidth)
            return try node("AveragePool", path, input, layer, attributes: self.window(window, window, Size2D(0)))
        }
        let columns = try tensor(
            AveragingMatrix(input: width, output: outputWidth).columns, shape: [width, outputWidth])
        let rows = try tensor(AveragingMatrix(input: height, output: outputHeight).rows, shape: [outputHeight, height])
        let columnName = initializer(columns, name: path + ".columns")
        let rowName = initializer(rows, name: path + ".rows")
        let across = unique(path + ".columns")
        nodes.append(
            NodeProto(opType: "MatMul", name: across, inputs: [input.name, columnName], outputs: [across + "_output"]))
        let down = unique(path + ".rows")
        nodes.append(
            NodeProto(opType: "MatMul", name: down, inputs: [rowName, across + "_output"], outputs: [down + "_output"]))
        return Value(name: down + "_output", shape: shape)
    }

    /// `scalars` as a tensor of `shape`.
    private func tensor(_ scalars: [Float], shape: Shape) throws(ONNXError) -> Tensor {
        do {
            return try Tensor(shape: shape, scalars: scalars)
        } catch {
            throw .invalidTensor(name: "averaging matrix", reason: "\(error)")
        }
    }

    /// `kernel_shape`, `strides` and `pads` attributes.
    private func window(_ kernel: Size2D, _ stride: Size2D, _ padding: Size2D) -> [AttributeProto] {
        [
            AttributeProto(name: "kernel_shape", integers: pair(kernel)),
            AttributeProto(name: "strides", integers: pair(stride)),
            AttributeProto(name: "pads", integers: pair(padding) + pair(padding)),
        ]
    }

    /// `[height, width]`.
    private func pair(_ size: Size2D) -> [Int64] { [Int64(size.height), Int64(size.width)] }

    /// Appends one node named after `path` on `input` plus `inputs`, producing `layer`'s output
    /// for `input` (or `output` when given).
    private mutating func node(
        _ opType: String, _ path: String, _ input: Value, _ layer: any Layer, inputs: [String] = [],
        attributes: [AttributeProto] = [], output: Shape? = nil, suffix: String? = nil
    ) throws(ONNXError) -> Value {
        let shape: Shape
        if let output { shape = output } else { shape = try outputShape(of: layer, input: input.shape, path: path) }
        let base = [path.isEmpty ? opType.lowercased() : path, suffix].compactMap { $0 }.joined(separator: ".")
        let name = unique(base)
        nodes.append(
            NodeProto(
                opType: opType, name: name, inputs: [input.name] + inputs, outputs: [name + "_output"],
                attributes: attributes))
        return Value(name: name + "_output", shape: shape)
    }

    /// `layer`'s output shape for `input`.
    private func outputShape(of layer: any Layer, input: Shape, path: String) throws(ONNXError) -> Shape {
        do {
            return try layer.cost(for: input).output
        } catch {
            throw .invalidNode(node: path, opType: layer.kind, reason: "cannot take input \(input): \(error)")
        }
    }

    /// The initializer holding `parameter` (added under `name` the first time it is met).
    private mutating func parameter(_ parameter: Parameter, _ name: String) -> String {
        if let known = parameterNames[ObjectIdentifier(parameter)] { return known }
        let unique = unique(name)
        parameterNames[ObjectIdentifier(parameter)] = unique
        initializers.append(
            TensorProto(name: unique, dimensions: parameter.value.shape.dimensions, floats: parameter.value.scalars))
        return unique
    }

    /// A BatchNorm's running mean and variance initializers (added the first time it is met).
    private mutating func buffers(of norm: BatchNorm2d, path: String) -> [String] {
        if let known = bufferNames[ObjectIdentifier(norm)] { return known }
        let names = [unique(path + ".running_mean"), unique(path + ".running_var")]
        for (name, value) in zip(names, [norm.runningMean, norm.runningVariance]) {
            initializers.append(TensorProto(name: name, dimensions: value.shape.dimensions, floats: value.scalars))
        }
        bufferNames[ObjectIdentifier(norm)] = names
        return names
    }

    /// A scalar initializer holding `value`, one for every node that needs it (`key` names it).
    private mutating func sharedScalar(_ value: Float, key: String) -> String {
        if let known = constantNames[key] { return known }
        let name = unique(key)
        initializers.append(TensorProto(name: name, dimensions: [], floats: [value]))
        constantNames[key] = name
        return name
    }

    /// An initializer holding `tensor` under a name made unique from `name`.
    private mutating func initializer(_ tensor: Tensor, name: String) -> String {
        let unique = unique(name)
        initializers.append(TensorProto(name: unique, dimensions: tensor.shape.dimensions, floats: tensor.scalars))
        return unique
    }

    /// `base`, or `base_2`, `base_3`… when taken (a shared block's second use).
    private mutating func unique(_ base: String) -> String {
        var name = base
        var counter = 1
        while usedNames.contains(name) || usedNames.contains(name + "_output") {
            counter += 1
            name = "\(base)_\(counter)"
        }
        usedNames.formUnion([name, name + "_output"])
        return name
    }

    /// `parent.name`, or `name` at the top.
    private func child(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : parent + "." + name
    }
}
