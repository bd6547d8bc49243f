import Foundation

/// A model with int8 activation ranges calibrated on sample inputs: post-training static
/// quantization. Weights are quantized symmetrically per output channel (after BatchNorm is
/// folded into them) when a plan is built; every tensor the plan holds gets one scale and zero
/// point from the values calibration saw in it (`CalibrationMethod`).
///
/// ```swift
/// model.eval()
/// let quantized = try model.quantized(calibratingOn: batches, method: .percentile(99.99))
/// let plan = try quantized.inferencePlan(for: [1, 1, 28, 28])
/// let logits = try plan(image)
/// ```
///
/// The calibration is tied to the model's structure, not its batch size: a plan can be built
/// for any batch. Rebuild the plan after changing the weights, and calibrate again when the
/// change is large.
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

    /// Calibrates `model` on `batches` (each `[N, ...]`, the model's input shape with any batch).
    /// - Throws: `LayerError` when there is no batch, or a batch does not fit the model.
    public init(_ model: any Layer, calibratingOn batches: [Tensor], method: CalibrationMethod) throws {
        guard !batches.isEmpty else {
            throw LayerError.invalidConfiguration("QuantizedModel", "calibration needs at least one batch")
        }
        var observers: [Int: ActivationObserver] = [:]
        var plans: [Shape: InferencePlan] = [:]
        var bufferCount = 0
        for batch in batches {
            let plan = try plans[batch.shape] ?? InferencePlan(model, input: batch.shape)
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
            bufferCount = plan.bufferCount
        }
        var activations = observers.mapValues { $0.parameters(method) }
        // Pooling keeps its input's scale (max pooling is then exact): its output takes the
        // input's parameters wherever it owns its buffer.
        if let plan = plans.values.first {
            for (buffer, input) in plan.poolingBuffers {
                if let parameters = activations[input] { activations[buffer] = parameters }
            }
        }
        self.model = model
        self.method = method
        self.calibrationImages = batches.reduce(0) { $0 + ($1.shape.rank > 0 ? $1.shape[0] : 1) }
        self.activations = activations
        self.bufferCount = bufferCount
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
