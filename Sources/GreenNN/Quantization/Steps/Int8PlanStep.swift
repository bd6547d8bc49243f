/// One step of a quantized plan: an int8 kernel between u8 tensors of the plan's arena, built
/// from the float plan's step (weights folded the same way, then quantized) and run on every call.
protocol Int8PlanStep: AnyObject {
    /// The float step's origin: the layer's path and kind, and what was fused into it.
    var origin: PlanStepOrigin { get }
    /// The kernel it runs ("int8 gemm (windows) avx512-vnni").
    var kernel: String { get }
    /// The shape it writes.
    var outputShape: Shape { get }
    /// Multiply-accumulates of the layer, as the cost tables count them (all executed in int8).
    var modelMACs: Int { get }
    /// Bytes of its weights as stored (`QuantizedWeights.byteCount`; the packed copy it runs from
    /// pads rows to 4 and adds row sums).
    var weightBytes: Int { get }
    /// Computes its output from its inputs.
    /// - Throws: only opaque steps (a layer's own `forward(_:)`) can fail.
    func run(workspace: Workspace) throws
}

/// What a float step needs to become an int8 step: where each value lives in the byte arena,
/// and each value's calibrated scale and zero point.
struct Int8Binding {
    /// The u8 batch of a value.
    let resolve: (PlannedValue) -> Int8Batch
    /// The quantization of a value (that of the buffer it lives in).
    let parameters: (PlannedValue) -> QuantizationParameters
    /// The int8 kernels' instruction set.
    let instructionSet: Int8InstructionSet
    /// The int8 weights of the layer at a path.
    let weights: (String) throws -> QuantizedWeights

    /// The requantization of a conv or linear step from `input` to `output` on `layer`'s int8
    /// weights: each channel's scale ratio, its bias and the output zero point, and `finish`'s
    /// clamp in code space.
    func requantization(
        from input: PlannedValue, to output: PlannedValue, layer: QuantizedWeights, finish: ChannelFinish
    ) -> Int8Requantization {
        let (inputScale, outputScale) = (parameters(input), parameters(output))
        let bounds = codeBounds(finish, output: outputScale)
        return Int8Requantization(
            multipliers: layer.channels.scales.map { inputScale.scale * $0 / outputScale.scale },
            shifts: (0..<layer.shape[0]).map {
                (layer.bias?[$0] ?? 0) / outputScale.scale + Float(outputScale.zeroPoint)
            },
            inputZeroPoint: inputScale.zeroPoint, lower: bounds.lower, upper: bounds.upper)
    }

    /// The codes `finish`'s clamp bounds become in `output`'s quantization (0 and 255 for none).
    func codeBounds(_ finish: ChannelFinish, output: QuantizationParameters) -> (lower: Float, upper: Float) {
        func code(_ value: Float, _ fallback: Float) -> Float {
            guard value.isFinite else { return fallback }
            return Swift.min(255, Swift.max(0, value / output.scale + Float(output.zeroPoint)))
        }
        return (code(finish.lower, 0), code(finish.upper, 255))
    }
}
