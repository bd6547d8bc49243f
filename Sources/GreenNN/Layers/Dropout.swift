/// Dropout (Srivastava et al. 2014): in training, zeroes each element with probability `p`
/// and scales the rest by 1/(1 − p), with a mask from its own seeded generator; in inference
/// it is the identity (0 FLOPs). Any shape. Backward multiplies the gradient by the same mask
/// (1 FLOP per element).
public final class Dropout: Layer {
    /// The probability of zeroing an element, in [0, 1).
    public let probability: Float
    /// Training mode: masks only when true.
    public var isTraining = false
    private var generator: SeededGenerator
    private var cache: Cache?

    /// What a training-mode forward pass keeps for `backward(_:)`.
    private enum Cache {
        /// p = 0: nothing was masked; the gradient passes unchanged.
        case identity(Shape)
        /// 0 where an element was dropped, 1/(1 − p) where it was kept.
        case mask(Tensor)
    }

    /// Creates dropout with probability `probability` and a mask generator seeded with `seed`.
    /// - Throws: `LayerError` unless `0 <= probability < 1`.
    public init(probability: Float = 0.5, seed: UInt64 = 0) throws {
        try LayerValidation.within(probability, "[0, 1)", "probability", in: "Dropout") { $0 >= 0 && $0 < 1 }
        self.probability = probability
        self.generator = SeededGenerator(seed: seed)
    }

    /// Any shape → same shape; masked and rescaled in training mode only.
    /// - Throws: `LayerError` if the mask cannot be allocated.
    public func forward(_ input: Tensor) throws -> Tensor {
        guard isTraining else {
            cache = nil
            return input
        }
        guard probability > 0 else {
            cache = .identity(input.shape)
            return input
        }
        let keep = 1 - probability
        var output = input
        var mask = try LayerError.wrapping(kind) { try Tensor.zeros(input.shape) }
        output.withUnsafeMutableBufferPointer { values in
            mask.withUnsafeMutableBufferPointer { scales in
                for index in values.indices {
                    let draw = Float(generator.next() >> 40) * 0x1p-24
                    let dropped = draw < probability
                    values[index] = dropped ? 0 : values[index] / keep
                    scales[index] = dropped ? 0 : 1 / keep
                }
            }
        }
        cache = .mask(mask)
        return output
    }

    /// The gradient times the mask of the last training-mode forward pass.
    /// - Parameter outputGradient: the output's shape.
    /// - Returns: the input's shape.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        switch try LayerValidation.takeCache(&cache, in: kind) {
        case let .identity(shape):
            guard outputGradient.shape == shape else {
                throw LayerError(
                    kind: kind, reason: .invalidInput("output gradient must be \(shape), got \(outputGradient.shape)"))
            }
            return outputGradient
        case let .mask(mask):
            return try LayerError.wrapping(kind) { try outputGradient * mask }
        }
    }

    /// The mask of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cache.map(TrainingCache.init) }
        set { cache = newValue?.contents(as: Cache.self) }
    }

    /// Inference cost: the identity, 0 FLOPs and no new activations; backward (training) 1 FLOP
    /// per element.
    public func cost(for input: Shape) throws -> LayerCost {
        _ = try CostArithmetic(kind: kind, input: input)
        return LayerCost(kind: kind, input: input, output: input, backwardFLOPs: input.elementCount, activationBytes: 0)
    }

    /// `Dropout(probability: 0.5)`.
    public var description: String { "Dropout(probability: \(probability))" }
}

extension Dropout: InferencePlanning {
    /// The identity, as in inference: no step.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue { input }
}

extension Dropout: ReseedableLayer {
    /// Restarts the mask stream as if the layer had been created with `seed`; `Trainer` calls
    /// it before every batch so a resumed run draws the masks an uninterrupted one would.
    public func reseed(_ seed: UInt64) { generator = SeededGenerator(seed: seed) }
}
