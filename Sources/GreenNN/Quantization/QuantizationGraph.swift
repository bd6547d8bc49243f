/// A model's float plan graph as quantization walks it: the steps with weights (conv and linear,
/// their BatchNorm folded in) by layer path, and a stable name for every tensor buffer, which a
/// quantized model's file uses for its scales and zero points.
struct QuantizationGraph {
    /// The float plan's builder, after planning the model.
    let builder: PlanBuilder
    /// The input value.
    let input: PlannedValue
    /// The output value.
    let output: PlannedValue

    /// One conv or linear step's weights, folded and ready to quantize.
    struct Weighted {
        /// The layer's path ("features.0").
        let path: String
        /// The layer's weight shape (`[O, C/groups, kH, kW]` or `[out, in]`).
        let shape: Shape
        /// The weights with the following BatchNorm's scale folded in, row by output channel.
        let weights: [Float]
        /// The bias with the BatchNorm's shift folded in, nil when the layer has neither.
        let bias: [Float]?
    }

    /// Plans `model` for inputs of `shape`.
    /// - Throws: `LayerError` when the shape does not fit the model.
    init(_ model: any Layer, input shape: Shape) throws {
        _ = try model.cost(for: shape)
        let builder = PlanBuilder()
        input = builder.input(shape)
        output = try builder.planLayer(model, input: input)
        builder.share(output)
        self.builder = builder
    }

    /// The buffer `value` lives in.
    func buffer(of value: PlannedValue) -> Int { builder.root(of: value.id).buffer }

    /// Buffers of the plan (the same for every batch size).
    var bufferCount: Int { builder.bufferSizes.count }

    /// For each pooling step that owns its output buffer: that buffer and its input's.
    var poolingBuffers: [(output: Int, input: Int)] {
        builder.steps.compactMap { step in
            guard step is PoolingStep, builder.records[step.output.id].parent == nil else { return nil }
            return (buffer(of: step.output), buffer(of: step.inputs[0]))
        }
    }

    /// The conv and linear steps, each path once (a shared block's repeats share their weights).
    var weighted: [Weighted] {
        var seen = Set<String>()
        return builder.steps.compactMap { step in
            guard step is ConvolutionStep || step is LinearStep, seen.insert(step.origin.path).inserted else {
                return nil
            }
            switch step {
            case let step as ConvolutionStep:
                let (input, output) = (step.inputs[0].shape, step.output.shape)
                let shape: Shape = [
                    output[1], input[1] / step.groups, step.geometry.kernel.height, step.geometry.kernel.width,
                ]
                return Self.folding(
                    step.finish, weights: step.weight, bias: step.bias, shape: shape, path: step.origin.path)
            case let step as LinearStep:
                let shape: Shape = [step.output.shape[1], step.inputs[0].shape[1]]
                return Self.folding(
                    step.finish, weights: step.weight, bias: step.bias, shape: shape, path: step.origin.path)
            default:
                return nil
            }
        }
    }

    private static func folding(
        _ finish: ChannelFinish, weights: [Float], bias: [Float]?, shape: Shape, path: String
    ) -> Weighted {
        let (folded, shift) = finish.folding(weights: weights, rowLength: weights.count / shape[0], bias: bias)
        return Weighted(
            path: path, shape: shape, weights: folded, bias: shift)
    }

    /// A name for every buffer that holds a tensor: "input", then "<path>.output" after the
    /// first step writing it (".output.1", ".output.2" when one path writes several buffers).
    var bufferNames: [Int: String] {
        var names = [buffer(of: input): "input"]
        var taken = Set(["input"])
        for step in builder.steps {
            let buffer = buffer(of: step.output)
            guard names[buffer] == nil else { continue }
            let base = (step.origin.path.isEmpty ? "model" : step.origin.path) + ".output"
            var name = base
            var suffix = 1
            while taken.contains(name) {
                name = "\(base).\(suffix)"
                suffix += 1
            }
            names[buffer] = name
            taken.insert(name)
        }
        return names
    }
}
