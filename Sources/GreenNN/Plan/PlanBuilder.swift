/// Builds an inference plan: layers adopting `InferencePlanning` lower themselves into it with
/// the primitives below, and the builder does the rewrites as the steps arrive: a BatchNorm or
/// activation is absorbed into the output pass of the step that produced its input (its scale
/// folded into that step's weights), a concatenation has its branches write straight into their
/// channels of the result, and reshapes and dropout become views that copy nothing.
///
/// Absorbing into a producer is only done when nothing else reads the producer's output; a
/// layer that hands one value to several consumers (a branch container) marks it with
/// `share(_:)` first.
public final class PlanBuilder {
    /// A value: its shape, where it lives, and who writes and reads it.
    struct Record {
        let shape: Shape
        /// Its own buffer, or nil for a view into `parent`.
        var buffer: Int?
        /// The value it views, at `offset` floats into each of that value's images.
        var parent: Int?
        var offset = 0
        /// The step writing it.
        var producer: Int?
        var readers = 0
        var views = 0
        /// Read by more than one consumer, or the plan's input or output: nothing fuses into it.
        var shared = false
    }

    private(set) var records: [Record] = []
    private(set) var bufferSizes: [Int] = []
    private(set) var steps: [any PlanStep] = []
    private var path: [String] = []
    private var kinds: [String] = []

    /// Whether a depthwise conv fuses into the depthwise step before it (`DepthwisePairStep`).
    /// Off where every planned value must be written (calibration observes each step's output;
    /// the int8 plan has no pair step).
    let fusesDepthwisePairs: Bool

    init(fusingDepthwisePairs: Bool = false) {
        fusesDepthwisePairs = fusingDepthwisePairs
    }

    // MARK: Layers

    /// Plans `layer`, a child called `name` of the layer being planned, on `input`: through its
    /// `InferencePlanning` conformance, or as an opaque step running its own `forward(_:)`.
    /// - Throws: the child's `LayerError`, its path prefixed with `name`.
    public func plan(_ layer: any Layer, named name: String, input: PlannedValue) throws -> PlannedValue {
        try LayerError.inChild(name, kind: layer.kind) {
            path.append(name)
            defer { path.removeLast() }
            return try planLayer(layer, input: input)
        }
    }

    /// Plans `layer` at the current path.
    func planLayer(_ layer: any Layer, input: PlannedValue) throws -> PlannedValue {
        kinds.append(layer.kind)
        defer { kinds.removeLast() }
        if let planning = layer as? any InferencePlanning {
            return try planning.plan(input, in: self)
        }
        return try opaque(layer, input: input)
    }

    /// Runs `layer`'s own `forward(_:)` on `input` as one step (what a layer that does not adopt
    /// `InferencePlanning` becomes). Its output shape comes from its `cost(for:)`.
    /// - Throws: `LayerError` from the layer's cost for this input shape.
    public func opaque(_ layer: any Layer, input: PlannedValue) throws -> PlannedValue {
        let cost = try layer.cost(for: input.shape)
        let output = newValue(cost.output)
        add(OpaqueStep(origin: origin, layer: layer, input: input, output: output, macs: cost.macs))
        return output
    }

    /// Marks `value` as read by more than one consumer, so no BatchNorm or activation is
    /// absorbed into the step that writes it.
    public func share(_ value: PlannedValue) {
        records[value.id].shared = true
    }

    // MARK: Primitives

    /// A 2-D convolution of `input` `[N, C, H, W]` by `weight` `[O, C/groups, kH, kW]` plus `bias`
    /// `[O]`; a conv with `groups == C == O` runs on the depthwise kernel.
    /// - Throws: `LayerError` for a weight or bias that does not fit the input, or a window
    ///   larger than the padded plane.
    public func convolution(
        _ input: PlannedValue, weight: Tensor, bias: Tensor?, stride: Size2D = 1, padding: Size2D = 0,
        dilation: Size2D = 1, groups: Int = 1
    ) throws -> PlannedValue {
        let shape = input.shape
        let outputChannels = weight.shape.rank == 4 ? weight.shape[0] : 0
        guard shape.rank == 4, weight.shape.rank == 4, groups >= 1, shape[1] % groups == 0,
            outputChannels % groups == 0, weight.shape[1] * groups == shape[1]
        else {
            throw LayerError.inputShape(
                currentKind, expected: "[N, \(weight.shape.rank == 4 ? weight.shape[1] * groups : 0), H, W]",
                actual: shape)
        }
        if let bias, bias.shape != [outputChannels] {
            throw LayerError.invalidConfiguration(currentKind, "bias must be [\(outputChannels)], got \(bias.shape)")
        }
        let geometry = try LayerError.wrapping(currentKind) {
            let geometry = try WindowGeometry(
                input: Size2D(height: shape[2], width: shape[3]),
                kernel: Size2D(height: weight.shape[2], width: weight.shape[3]), stride: stride, padding: padding,
                dilation: dilation, operation: "convolution")
            try checkConvolutionSizes(
                channels: shape[1], outputChannels: outputChannels, groups: groups, geometry: geometry,
                operation: "convolution")
            return geometry
        }
        let output = newValue([shape[0], outputChannels, geometry.output.height, geometry.output.width])
        let step = ConvolutionStep(
            origin: origin, input: input, output: output, weight: weight, bias: bias, groups: groups,
            geometry: geometry)
        if fusesDepthwisePairs, step.isDepthwise, let producer = records[input.id].producer,
            let first = absorber(of: input) as? ConvolutionStep, first.isDepthwise
        {
            // The intermediate is never written: it keeps no memory, and nothing else may read it.
            steps[producer] = DepthwisePairStep(first, step)
            records[output.id].producer = producer
            records[input.id].readers += 1
            bufferSizes[records[input.id].buffer!] = 0
            return output
        }
        add(step)
        return output
    }

    /// `input [N, in] · weightᵀ + bias` with `weight` `[out, in]` and `bias` `[out]`.
    /// - Throws: `LayerError` when the input is not `[N, in]` or the bias not `[out]`.
    public func linear(_ input: PlannedValue, weight: Tensor, bias: Tensor?) throws -> PlannedValue {
        guard weight.shape.rank == 2, input.shape.rank == 2, input.shape[1] == weight.shape[1] else {
            throw LayerError.inputShape(
                currentKind, expected: "[N, \(weight.shape.rank == 2 ? weight.shape[1] : 0)]", actual: input.shape)
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw LayerError.invalidConfiguration(currentKind, "bias must be [\(weight.shape[0])], got \(bias.shape)")
        }
        try LayerError.wrapping(currentKind) {
            try checkLinearSizes(
                batch: input.shape[0], inputs: weight.shape[1], outputs: weight.shape[0], operation: "linear")
        }
        let output = newValue([input.shape[0], weight.shape[0]])
        add(LinearStep(origin: origin, input: input, output: output, weight: weight, bias: bias))
        return output
    }

    /// `input·scale[c] + shift[c]` per channel (axis 1), nil meaning 1 and 0: absorbed into the
    /// step that produced `input` when it can, else one elementwise pass.
    /// - Throws: `LayerError` when a vector's length is not the channel count.
    public func channelAffine(_ input: PlannedValue, scale: [Float]?, shift: [Float]?) throws -> PlannedValue {
        let channels = input.shape.rank >= 2 ? input.shape[1] : 0
        for vector in [scale, shift] {
            if let vector, vector.count != channels {
                throw LayerError.inputShape(
                    currentKind, expected: "[N, \(vector.count), ...] (one channel per scale and shift)",
                    actual: input.shape)
            }
        }
        if let step = absorber(of: input) {
            if step.finish.absorbAffine(scale: scale, shift: shift, channels: channels) {
                step.origin.fused.append(currentKind)
                return input
            }
        }
        var finish = ChannelFinish()
        _ = finish.absorbAffine(scale: scale, shift: shift, channels: channels)
        return elementwise(input, finish)
    }

    /// `activation` on `input`: the clamp it is (`clamp(_:lower:upper:)`).
    func clamp(_ input: PlannedValue, to activation: Activation) -> PlannedValue {
        clamp(input, lower: activation.bounds.lower, upper: activation.bounds.upper)
    }

    /// `min(max(input, lower), upper)` (ReLU: 0 and +∞; ReLU6: 0 and 6): absorbed into the step
    /// that produced `input` when it can, else one elementwise pass.
    public func clamp(_ input: PlannedValue, lower: Float, upper: Float) -> PlannedValue {
        if let step = absorber(of: input) {
            step.finish.absorbClamp(lower: lower, upper: upper)
            step.origin.fused.append(currentKind)
            return input
        }
        var finish = ChannelFinish()
        finish.absorbClamp(lower: lower, upper: upper)
        return elementwise(input, finish)
    }

    /// `first + second`, elementwise (a residual block's add), as one pass into a new value; an
    /// activation or BatchNorm planned on the result folds into that pass.
    /// - Throws: `LayerError` when the two shapes differ.
    public func added(_ first: PlannedValue, _ second: PlannedValue) throws -> PlannedValue {
        guard first.shape == second.shape else {
            throw LayerError.inputShape(
                currentKind, expected: "\(first.shape) (the other addend)", actual: second.shape)
        }
        let output = newValue(first.shape)
        add(AffineClampStep(origin: origin, input: first, adding: second, output: output, finish: ChannelFinish()))
        return output
    }

    /// Max pooling of each plane of `input` `[N, C, H, W]`.
    /// - Throws: `LayerError` for a wrong rank or an invalid window.
    public func maxPool(
        _ input: PlannedValue, kernelSize: Size2D, stride: Size2D, padding: Size2D = 0, dilation: Size2D = 1,
        ceilMode: Bool = false
    ) throws -> PlannedValue {
        let geometry = try window(
            input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
        return pooled(input, geometry, .max(geometry))
    }

    /// Average pooling of each plane of `input` `[N, C, H, W]`.
    /// - Throws: `LayerError` for a wrong rank or an invalid window.
    public func averagePool(
        _ input: PlannedValue, kernelSize: Size2D, stride: Size2D, padding: Size2D = 0,
        countIncludesPadding: Bool = true, ceilMode: Bool = false
    ) throws -> PlannedValue {
        let geometry = try window(
            input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: 1, ceilMode: ceilMode)
        return pooled(input, geometry, .average(geometry, countIncludesPadding: countIncludesPadding))
    }

    /// The mean of each plane of `input` `[N, C, H, W]`, as `[N, C, 1, 1]`.
    /// - Throws: `LayerError` for a wrong rank.
    public func globalAveragePool(_ input: PlannedValue) throws -> PlannedValue {
        guard input.shape.rank == 4 else {
            throw LayerError.inputShape(currentKind, expected: "[N, C, H, W]", actual: input.shape)
        }
        let output = newValue([input.shape[0], input.shape[1], 1, 1])
        add(PoolingStep(origin: origin, input: input, output: output, mode: .global))
        return output
    }

    /// `input` seen with another shape of the same batch and elements per image (a flatten):
    /// no step, no copy.
    /// - Throws: `LayerError` when the batch or the element count differs.
    public func reshaped(_ input: PlannedValue, to shape: Shape) throws -> PlannedValue {
        guard shape.rank >= 1, input.shape.rank >= 1, shape[0] == input.shape[0],
            shape.elementCount == input.shape.elementCount
        else {
            throw LayerError.inputShape(
                currentKind, expected: "a shape with as many elements as \(shape)", actual: input.shape)
        }
        return view(of: input, shape: shape, offset: 0)
    }

    /// `parts` `[N, Cᵢ, H, W]` concatenated along channels into `[N, ΣCᵢ, H, W]`. A part that only
    /// this concatenation reads is written by its producer straight into its channels; any other
    /// part is copied.
    /// - Throws: `LayerError` when the parts differ in anything but their channel count.
    public func concatenated(_ parts: [PlannedValue]) throws -> PlannedValue {
        guard let first = parts.first, first.shape.rank == 4,
            parts.allSatisfy({
                $0.shape.rank == 4 && $0.shape[0] == first.shape[0] && $0.shape[2] == first.shape[2]
                    && $0.shape[3] == first.shape[3]
            })
        else {
            throw LayerError.inputShape(
                currentKind, expected: "parts [N, Cᵢ, H, W] that agree in N, H and W",
                actual: parts.first?.shape ?? [])
        }
        let planeSize = first.shape[2] * first.shape[3]
        let output = newValue([first.shape[0], parts.reduce(0) { $0 + $1.shape[1] }, first.shape[2], first.shape[3]])
        var channel = 0
        for part in parts {
            let record = records[part.id]
            if let buffer = record.buffer, record.producer != nil, record.readers == 0, record.views == 0,
                !record.shared
            {
                records[part.id].buffer = nil
                records[part.id].parent = output.id
                records[part.id].offset = channel * planeSize
                records[part.id].shared = true
                records[output.id].views += 1
                bufferSizes[buffer] = 0
            } else {
                let slice = view(of: output, shape: part.shape, offset: channel * planeSize)
                add(CopyStep(origin: origin, input: part, output: slice))
            }
            channel += part.shape[1]
        }
        return output
    }

    // MARK: Bookkeeping

    /// A new value for the plan's input.
    func input(_ shape: Shape) -> PlannedValue {
        let value = newValue(shape)
        records[value.id].shared = true
        return value
    }

    /// The kind of the layer being planned.
    private var currentKind: String { kinds.last ?? "InferencePlan" }

    /// The origin of a step added now.
    private var origin: PlanStepOrigin { PlanStepOrigin(path: path.joined(separator: "."), kind: currentKind) }

    private func newValue(_ shape: Shape) -> PlannedValue {
        bufferSizes.append(shape.elementCount)
        records.append(Record(shape: shape, buffer: bufferSizes.count - 1))
        return PlannedValue(shape: shape, id: records.count - 1)
    }

    private func view(of parent: PlannedValue, shape: Shape, offset: Int) -> PlannedValue {
        records[parent.id].views += 1
        records.append(Record(shape: shape, buffer: nil, parent: parent.id, offset: offset))
        return PlannedValue(shape: shape, id: records.count - 1)
    }

    private func add(_ step: any PlanStep) {
        for input in step.inputs { records[input.id].readers += 1 }
        records[step.output.id].producer = steps.count
        steps.append(step)
    }

    /// The step that wrote `value` if a map can still be folded into its output pass: nothing
    /// else reads or views the value yet and it is not shared.
    private func absorber(of value: PlannedValue) -> (any FinishingStep)? {
        let record = records[value.id]
        guard let producer = record.producer, record.readers == 0, record.views == 0, !record.shared,
            record.buffer != nil, let step = steps[producer] as? any FinishingStep
        else { return nil }
        return step
    }

    private func elementwise(_ input: PlannedValue, _ finish: ChannelFinish) -> PlannedValue {
        let output = newValue(input.shape)
        add(AffineClampStep(origin: origin, input: input, output: output, finish: finish))
        return output
    }

    private func window(
        _ input: PlannedValue, kernelSize: Size2D, stride: Size2D, padding: Size2D, dilation: Size2D, ceilMode: Bool
    ) throws -> WindowGeometry {
        guard input.shape.rank == 4 else {
            throw LayerError.inputShape(currentKind, expected: "[N, C, H, W]", actual: input.shape)
        }
        return try LayerError.wrapping(currentKind) {
            try WindowGeometry(
                input: Size2D(height: input.shape[2], width: input.shape[3]), kernel: kernelSize, stride: stride,
                padding: padding, dilation: dilation, ceilMode: ceilMode, operation: "pooling")
        }
    }

    private func pooled(_ input: PlannedValue, _ geometry: WindowGeometry, _ mode: PoolingStep.Mode) -> PlannedValue {
        let output = newValue([input.shape[0], input.shape[1], geometry.output.height, geometry.output.width])
        add(PoolingStep(origin: origin, input: input, output: output, mode: mode))
        return output
    }

    /// The buffer and the offset (floats into each of its images) that `value` lives at.
    func root(of value: Int) -> (buffer: Int, offset: Int, imageSize: Int) {
        var (id, offset) = (value, 0)
        while let parent = records[id].parent {
            offset += records[id].offset
            id = parent
        }
        let shape = records[id].shape
        return (records[id].buffer!, offset, shape.elementCount / Swift.max(1, shape.rank > 0 ? shape[0] : 1))
    }
}
