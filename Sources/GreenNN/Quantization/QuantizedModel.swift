import Foundation

/// A model with int8 activation ranges calibrated on sample inputs: post-training static
/// quantization. Weights are quantized symmetrically per output channel (after BatchNorm is
/// folded into them) when the model is quantized; every tensor its plans hold gets one scale and
/// zero point from the values calibration saw in it (`CalibrationMethod`). `save(to:)` and
/// `init(_:contentsOf:)` keep both in a safetensors file.
///
/// ```swift
/// model.eval()
/// let quantized = try model.quantized(calibratingOn: batches, method: .percentile(99.99))
/// let plan = try quantized.inferencePlan(for: [1, 1, 28, 28])
/// let logits = try plan(image)
/// ```
///
/// The calibration is tied to the model's structure, not its batch size: a plan can be built
/// for any batch. The float model's later weight changes do not reach the int8 weights:
/// quantize it again.
public final class QuantizedModel {
    /// The float model.
    public let model: any Layer
    /// How the activation ranges were chosen.
    public let method: CalibrationMethod
    /// Images calibration ran.
    public let calibrationImages: Int
    /// The scale and zero point of each buffer of the model's plan, by the builder's buffer index.
    let activations: [Int: QuantizationParameters]
    /// Buffers of the model's plan (a plan built later must have as many).
    let bufferCount: Int
    /// The int8 weights of every conv and linear layer, by layer path.
    public let weights: [String: QuantizedWeights]
    /// The shape of one input image, batch 1 (what a saved model records).
    public let imageShape: Shape

    /// Calibrates `model` on `batches` (each `[N, ...]`, the model's input shape with any batch).
    /// - Throws: `LayerError` when there is no batch, or a batch does not fit the model.
    public convenience init(_ model: any Layer, calibratingOn batches: [Tensor], method: CalibrationMethod) throws {
        guard !batches.isEmpty else {
            throw LayerError.invalidConfiguration("QuantizedModel", "calibration needs at least one batch")
        }
        let imageShape = Shape([1] + batches[0].shape.dimensions.dropFirst())
        let graph = try QuantizationGraph(model, input: imageShape)
        var observers: [Int: ActivationObserver] = [:]
        var plans: [Shape: InferencePlan] = [:]
        for batch in batches {
            let plan =
                try plans[batch.shape]
                ?? InferencePlan(model, input: batch.shape, kernelSelection: .byShape, writingEveryValue: true)
            plans[batch.shape] = plan
            batch.withUnsafeBufferPointer { observers[plan.inputBuffer, default: ActivationObserver()].observe($0) }
            var output = Tensor(uninitializedShape: plan.outputShape)
            try plan.run(batch, into: &output) { index, body in
                try body()
                let (buffer, region) = plan.stepOutputs[index]
                for image in 0..<region.batch {
                    observers[buffer, default: ActivationObserver()].observe(
                        UnsafeBufferPointer(start: region.image(image), count: region.imageSize))
                }
            }
        }
        var activations = observers.mapValues { $0.parameters(method) }
        // Pooling keeps its input's scale (max pooling is then exact): its output takes the
        // input's parameters wherever it owns its buffer.
        for (buffer, input) in graph.poolingBuffers {
            if let parameters = activations[input] { activations[buffer] = parameters }
        }
        self.init(
            model: model, method: method,
            calibrationImages: batches.reduce(0) { $0 + ($1.shape.rank > 0 ? $1.shape[0] : 1) },
            activations: activations, bufferCount: graph.bufferCount,
            weights: Dictionary(
                uniqueKeysWithValues: graph.weighted.map { layer in
                    (
                        layer.path,
                        QuantizedWeights(
                            shape: layer.shape, codes: ChannelWeights(quantizing: layer.weights, rows: layer.shape[0]),
                            bias: layer.bias)
                    )
                }), imageShape: imageShape)
    }

    /// A quantized model from its parts (calibrated, or read from a file).
    init(
        model: any Layer, method: CalibrationMethod, calibrationImages: Int, activations: [Int: QuantizationParameters],
        bufferCount: Int, weights: [String: QuantizedWeights], imageShape: Shape
    ) {
        (self.model, self.method, self.calibrationImages) = (model, method, calibrationImages)
        (self.activations, self.bufferCount, self.weights, self.imageShape) = (
            activations, bufferCount, weights, imageShape
        )
    }

    /// The model compiled to int8 kernels for inputs of shape `input` (see `QuantizedPlan`).
    /// - Throws: `LayerError` when the shape does not fit the model, or the model changed shape
    ///   since calibration.
    public func inferencePlan(
        for input: Shape, instructionSet: Int8InstructionSet = .active
    ) throws -> QuantizedPlan {
        try QuantizedPlan(self, input: input, instructionSet: instructionSet)
    }
}

extension Layer {
    /// This model quantized to int8 after calibrating its activation ranges on `batches` (see
    /// `QuantizedModel`). Call `eval()` first: calibration runs the inference plan.
    /// - Throws: `LayerError` when there is no batch or a batch does not fit the model.
    public func quantized(
        calibratingOn batches: [Tensor], method: CalibrationMethod = .percentile(99.99)
    ) throws -> QuantizedModel {
        try QuantizedModel(self, calibratingOn: batches, method: method)
    }
}
