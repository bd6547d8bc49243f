import GreenNN

/// The layer each supported single-input ONNX operator becomes. `input` is the shape the node
/// receives when the graph's input shape is known (batch 1), for the checks that need it.
enum OperatorImport {
    /// The layer for `node`.
    /// - Throws: `ONNXError` naming the node for an unsupported attribute, a missing or computed
    ///   weight, or weights that do not fit the attributes.
    static func layer(for node: ImportedNode, input: Shape?, used: (String) -> Bool) throws(ONNXError) -> any Layer {
        try node.checkSingleOutput(used: used)
        switch node.opType {
        case "Conv": return try convolution(node)
        case "BatchNormalization": return try batchNorm(node)
        case "Relu": return ReLU()
        case "Clip": return try clip(node)
        case "MaxPool":
            guard try node.integer("storage_order", default: 0) == 0 else {
                throw node.unsupported("storage_order", "1")
            }
            return try node.building {
                try MaxPool2d(
                    kernelSize: try node.kernelSize(), stride: try node.size("strides", default: 1),
                    padding: try node.padding(), dilation: try node.size("dilations", default: 1),
                    ceilMode: try node.integer("ceil_mode", default: 0) != 0)
            }
        case "AveragePool":
            guard try node.size("dilations", default: 1) == Size2D(1) else {
                throw node.unsupported("dilations", "\(node.node.attributes["dilations"]?.integers ?? [])")
            }
            return try node.building {
                try AvgPool2d(
                    kernelSize: try node.kernelSize(), stride: try node.size("strides", default: 1),
                    padding: try node.padding(),
                    countIncludesPadding: try node.integer("count_include_pad", default: 0) != 0,
                    ceilMode: try node.integer("ceil_mode", default: 0) != 0)
            }
        case "GlobalAveragePool": return GlobalAvgPool2d()
        case "Flatten":
            let axis = try node.integer("axis", default: 1)
            guard axis == 1 || (input.map { axis == 1 - $0.rank } ?? false) else {
                throw node.unsupported("axis", "\(axis) (GreenNN flattens every axis after the batch)")
            }
            return Flatten()
        case "Reshape": return try reshape(node, input: input)
        case "Gemm": return try gemm(node)
        case "MatMul": return try matrixProduct(node, bias: nil)
        case "Dropout":
            if let training = try node.integers(2), training.contains(where: { $0 != 0 }) {
                throw node.unsupported("training_mode", "true")
            }
            let ratio: Float
            if let given = try node.scalar(1) { ratio = given } else { ratio = try node.float("ratio", default: 0.5) }
            return try node.building { try Dropout(probability: ratio) }
        case "Softmax":
            let axis = try node.integer("axis", default: node.opset < 13 ? 1 : -1)
            guard let input, input.rank == 2, axis == 1 || axis == -1 else {
                throw node.unsupported(
                    "axis",
                    "\(axis) on a \(input.map { "rank-\($0.rank)" } ?? "tensor of unknown rank") input "
                        + "(GreenNN's Softmax runs over the classes of [N, K])")
            }
            return Softmax()
        default:
            throw .unsupportedOperator(node: node.node.label, opType: node.opType, opset: node.opset)
        }
    }

    /// A `Linear` from `MatMul(x, W)` (`W` `[K, M]`) and an optional bias `[M]` from the `Add` after it.
    static func matrixProduct(_ node: ImportedNode, bias: Tensor?) throws(ONNXError) -> any Layer {
        let weight = try node.weight(1, "weight")
        guard weight.shape.rank == 2 else {
            throw node.unsupported("input 1", "a weight of shape \(weight.shape) (GreenNN's Linear takes [K, M])")
        }
        return try node.building { try Linear(weight: try transposed(weight), bias: bias) }
    }

    /// `Conv` as `Conv2d`, or `DepthwiseConv2d` when every group is one input and one output channel.
    private static func convolution(_ node: ImportedNode) throws(ONNXError) -> any Layer {
        let weight = try node.weight(1, "weight")
        guard weight.shape.rank == 4 else {
            throw node.unsupported("input 1", "a weight of shape \(weight.shape) (GreenNN convolves 2-D planes)")
        }
        let bias = try node.constant(2).map { (tensor) throws(ONNXError) in try node.floatTensor(tensor) }
        try node.checkKernelShape(Size2D(height: weight.shape[2], width: weight.shape[3]))
        let groups = try node.integer("group", default: 1)
        let stride = try node.size("strides", default: 1)
        let dilation = try node.size("dilations", default: 1)
        let padding = try node.padding()
        return try node.building {
            if groups > 1, groups == weight.shape[0], weight.shape[1] == 1 {
                return try DepthwiseConv2d(
                    weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
            }
            return try Conv2d(
                weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
    }

    /// `BatchNormalization` in inference form as `BatchNorm2d` with the file's statistics.
    private static func batchNorm(_ node: ImportedNode) throws(ONNXError) -> any Layer {
        guard try node.integer("training_mode", default: 0) == 0 else { throw node.unsupported("training_mode", "1") }
        let scale = try node.weight(1, "scale"), shift = try node.weight(2, "bias")
        let mean = try node.weight(3, "running mean"), variance = try node.weight(4, "running variance")
        let channels = scale.elementCount
        for (tensor, role) in [(shift, "bias"), (mean, "mean"), (variance, "variance")]
        where tensor.elementCount != channels {
            throw node.invalid("\(role) has \(tensor.elementCount) values, scale has \(channels)")
        }
        let epsilon = try node.float("epsilon", default: 1e-5)
        return try node.building {
            let layer = try BatchNorm2d(channels, epsilon: epsilon)
            let vector = Shape([channels])
            layer.weight.value = try Tensor(shape: vector, scalars: scale.scalars)
            layer.bias.value = try Tensor(shape: vector, scalars: shift.scalars)
            try layer.setBuffer(named: "running_mean", to: try Tensor(shape: vector, scalars: mean.scalars))
            try layer.setBuffer(named: "running_var", to: try Tensor(shape: vector, scalars: variance.scalars))
            return layer
        }
    }

    /// `Clip` to [0, 6] as `ReLU6`, to [0, ∞) as `ReLU` (from opset 11 the bounds are inputs).
    private static func clip(_ node: ImportedNode) throws(ONNXError) -> any Layer {
        let lower = try node.scalar(1), upper = try node.scalar(2)
        switch (lower ?? -.infinity, upper ?? .infinity) {
        case (0, 6): return ReLU6()
        case (0, .infinity): return ReLU()
        case let (low, high): throw node.unsupported("min, max", "\(low), \(high) (GreenNN clips to [0, 6] or [0, ∞))")
        }
    }

    /// `Reshape` to `[N, features]` as `Flatten`: shape `[0, -1]`, `[-1, F]`, `[N, -1]` or
    /// `[N, F]` where F is everything after the batch.
    private static func reshape(_ node: ImportedNode, input: Shape?) throws(ONNXError) -> any Layer {
        guard let target = try node.integers(1) else { throw node.unsupportedGraph("needs a constant shape") }
        let features = input.map { $0.dimensions.dropFirst().reduce(1, *) }
        let batch = node.declaredBatch
        let flattens: Bool
        switch (target.count == 2 ? target[0] : nil, target.count == 2 ? target[1] : nil) {
        case let (first?, -1): flattens = first == 0 || (batch.map { Int64($0) == first } ?? false)
        case let (-1, second?), let (0, second?): flattens = features.map { Int64($0) == second } ?? false
        case let (first?, second?):
            flattens = batch.map { Int64($0) == first } == true && features.map { Int64($0) == second } == true
        default: flattens = false
        }
        guard flattens else {
            throw node.unsupported(
                "shape",
                "\(target) on input \(input.map { "\($0)" } ?? "of unknown shape") (GreenNN reshapes only to [N, features])"
            )
        }
        return Flatten()
    }

    /// `Gemm(x, B, C)` with `transA` 0 as `Linear`: `B` `[M, K]` when `transB` is 1, else `[K, M]`
    /// (transposed); `alpha` scales the weight and `beta` the bias.
    private static func gemm(_ node: ImportedNode) throws(ONNXError) -> any Layer {
        guard try node.integer("transA", default: 0) == 0 else { throw node.unsupported("transA", "1") }
        let given = try node.weight(1, "weight")
        guard given.shape.rank == 2 else { throw node.unsupported("input 1", "a weight of shape \(given.shape)") }
        let transposes = try node.integer("transB", default: 0) == 0
        let alpha = try node.float("alpha", default: 1), beta = try node.float("beta", default: 1)
        let outputs = given.shape[transposes ? 1 : 0]
        let bias = try node.constant(2).map { (tensor) throws(ONNXError) in
            let given = try node.floatTensor(tensor)
            guard let bias = linearBias(given, outputs: outputs) else {
                throw node.unsupported("input 2", "a bias of shape \(given.shape) (Linear's bias is [\(outputs)])")
            }
            return bias
        }
        return try node.building {
            let weight = try scaled(transposes ? try transposed(given) : given, by: alpha)
            return try Linear(weight: weight, bias: try bias.map { try scaled($0, by: beta) })
        }
    }

    /// `[K, M]` → `[M, K]`.
    /// - Throws: never for a matrix that exists (the count is its own).
    static func transposed(_ matrix: Tensor) throws -> Tensor {
        let rows = matrix.shape[0], columns = matrix.shape[1]
        let values = matrix.scalars
        var result = [Float](repeating: 0, count: values.count)
        for row in 0..<rows {
            for column in 0..<columns { result[column * rows + row] = values[row * columns + column] }
        }
        return try Tensor(shape: [columns, rows], scalars: result)
    }

    /// `tensor` times `factor`.
    private static func scaled(_ tensor: Tensor, by factor: Float) throws -> Tensor {
        factor == 1 ? tensor : try Tensor(shape: tensor.shape, scalars: tensor.scalars.map { $0 * factor })
    }

    /// `tensor` as the bias `[outputs]` of a `Linear` when it is `[outputs]` or `[1, outputs]`
    /// (Gemm's C, the constant added after a MatMul), nil for any other shape.
    static func linearBias(_ tensor: Tensor, outputs: Int) -> Tensor? {
        guard tensor.shape == [outputs] || tensor.shape == [1, outputs] else { return nil }
        return try? tensor.reshaped(to: [outputs])
    }
}
