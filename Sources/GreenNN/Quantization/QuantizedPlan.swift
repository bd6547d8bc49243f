import Foundation

/// A quantized model compiled for inference on one input shape: the float plan's graph (BatchNorm
/// folded, activations fused, concatenations in place, one arena) with every tensor held as u8
/// codes and every conv, linear layer, pool and add on the int8 kernels of `instructionSet`.
///
/// A call quantizes the input with its calibrated scale, runs the steps, and dequantizes the
/// output. After the first call it allocates nothing unless the model has opaque layers.
///
/// ```swift
/// let plan = try model.quantized(calibratingOn: batches).inferencePlan(for: [1, 3, 32, 32])
/// let logits = try plan(image)
/// print(plan)      // each step, its int8 kernel, its MACs
/// ```
public final class QuantizedPlan: CompiledPlan, CustomStringConvertible {
    /// The input shape the plan was built for.
    public let inputShape: Shape
    /// The shape of its output.
    public let outputShape: Shape
    /// The steps in execution order (model MACs equal executed MACs: no Winograd in int8).
    public let steps: [InferencePlan.Step]
    /// Bytes of the u8 activation arena.
    public let arenaBytes: Int
    /// Bytes of its weights as stored: one per int8 code, plus a float scale per output channel
    /// of each conv and linear layer and a float bias where it has one (and a scale and shift per
    /// channel of a standalone affine map); an opaque layer's own float32 weights.
    public let weightBytes: Int
    /// The int8 kernels it runs.
    public let instructionSet: Int8InstructionSet
    /// The scale and zero point of the input and of the output.
    public let inputQuantization: QuantizationParameters
    /// The scale and zero point of the output.
    public let outputQuantization: QuantizationParameters

    private let planned: [any Int8PlanStep]
    /// Each step's path, precision, MACs and weight bytes, for cost tables.
    let precisionSteps: [PrecisionStep]
    private let arena: ByteArena
    private let input: Int8Batch
    private let output: Int8Batch
    private let workspace = Workspace()

    init(_ quantized: QuantizedModel, input shape: Shape, instructionSet: Int8InstructionSet) throws {
        let graph = try QuantizationGraph(quantized.model, input: shape)
        let (builder, inputValue, outputValue) = (graph.builder, graph.input, graph.output)
        guard graph.bufferCount == quantized.bufferCount else {
            throw LayerError.invalidConfiguration(
                "QuantizedPlan",
                "the model plans \(graph.bufferCount) tensors, calibration saw \(quantized.bufferCount):"
                    + " quantize it again after changing its layers")
        }
        let layout = ArenaLayout(builder, input: inputValue, output: outputValue)
        let arena = ByteArena(bytes: layout.size)
        func resolve(_ value: PlannedValue) -> Int8Batch {
            let (buffer, offset, imageSize) = builder.root(of: value.id)
            return Int8Batch(
                base: arena.base + layout.offsets[buffer] + offset, shape: value.shape, imageStride: imageSize)
        }
        func parameters(_ value: PlannedValue) -> QuantizationParameters {
            quantized.activations[builder.root(of: value.id).buffer] ?? QuantizationParameters(covering: 0, 1)
        }
        func weights(_ path: String) throws -> QuantizedWeights {
            guard let layer = quantized.weights[path] else {
                throw LayerError.invalidConfiguration(
                    "QuantizedPlan", "no int8 weights for the layer at '\(path)': quantize the model again")
            }
            return layer
        }
        let binding = Int8Binding(
            resolve: resolve, parameters: parameters, instructionSet: instructionSet, weights: weights)
        var planned: [any Int8PlanStep] = []
        for step in builder.steps {
            switch step {
            case let step as ConvolutionStep: planned.append(try Int8ConvolutionStep(step, binding: binding))
            case let step as LinearStep: planned.append(try Int8LinearStep(step, binding: binding))
            case let step as PoolingStep: planned.append(Int8PoolingStep(step, binding: binding))
            case let step as AffineClampStep: planned.append(Int8ElementwiseStep(step, binding: binding))
            case let step as CopyStep: planned.append(Int8ElementwiseStep(step, binding: binding))
            case let step as OpaqueStep: planned.append(Int8OpaqueStep(step, binding: binding))
            default:
                throw LayerError.invalidConfiguration(
                    "QuantizedPlan", "\(step.origin.path) (\(step.origin.kind)) has no int8 step")
            }
        }
        self.inputShape = shape
        self.outputShape = outputValue.shape
        self.instructionSet = instructionSet
        self.arena = arena
        self.planned = planned
        self.precisionSteps = planned.map {
            PrecisionStep(
                path: $0.origin.path, kernel: $0.kernel, isInt8: !($0 is Int8OpaqueStep), macs: $0.modelMACs,
                weightBytes: $0.weightBytes)
        }
        self.input = resolve(inputValue)
        self.output = resolve(outputValue)
        self.inputQuantization = parameters(inputValue)
        self.outputQuantization = parameters(outputValue)
        self.arenaBytes = layout.size
        // A shared block's steps repeat at one path with one set of weights: count them once.
        var counted = Set<String>()
        self.weightBytes = planned.reduce(0) { total, step in
            counted.insert(step.origin.path + "|" + step.kernel).inserted ? total + step.weightBytes : total
        }
        self.steps = planned.map { step in
            InferencePlan.Step(
                path: step.origin.path, kind: step.origin.kind, fused: step.origin.fused, kernel: step.kernel,
                outputShape: step.outputShape, modelMACs: step.modelMACs, executedMACs: step.modelMACs)
        }
    }

    /// `run(_:into:)` with each step wrapped by `around(index, body)`, which must call `body`
    /// once: how `greenbench run --layers` times the steps.
    /// - Throws: as `run(_:into:)`, or what `around` throws.
    public func run(
        _ input: Tensor, into output: inout Tensor, around: (Int, () throws -> Void) throws -> Void
    ) throws {
        try InferencePlan.check(input, output, inputShape: inputShape, outputShape: outputShape, plan: "QuantizedPlan")
        inputQuantization.quantize(input, into: self.input, instructionSet: instructionSet)
        for (index, step) in planned.enumerated() {
            try around(index) { try step.run(workspace: workspace) }
        }
        outputQuantization.dequantize(self.output, into: &output, instructionSet: instructionSet)
    }

    /// Model MACs of the whole plan, all executed in int8.
    public var modelMACs: Int { steps.reduce(0) { $0 + $1.modelMACs } }

    /// One line per step (path, kind with what was fused, kernel, output shape, MACs), then the
    /// arena and weight bytes and the input and output quantization.
    public var description: String {
        var lines = ["QuantizedPlan \(inputShape) -> \(outputShape): \(steps.count) steps, \(instructionSet.rawValue)"]
        for (index, step) in steps.enumerated() {
            let kind = ([step.kind] + step.fused).joined(separator: "+")
            lines.append(
                "  \(index): \(step.path.isEmpty ? "-" : step.path) \(kind) [\(step.kernel)] -> \(step.outputShape)"
                    + " MACs \(step.modelMACs)")
        }
        lines.append("arena \(arenaBytes) bytes, weights \(weightBytes) bytes")
        lines.append("input \(inputQuantization), output \(outputQuantization)")
        return lines.joined(separator: "\n")
    }
}

/// The bytes of a quantized plan's arena, zeroed, 64-byte aligned.
private final class ByteArena {
    let base: UnsafeMutablePointer<UInt8>

    init(bytes: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(64, bytes), alignment: 64)
            .initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(64, bytes))
    }

    deinit {
        base.deallocate()
    }
}
