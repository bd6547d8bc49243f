/// Dropout (Srivastava et al. 2014): in training, zeroes each element with probability `p`
/// and scales the rest by 1/(1 − p), with a mask from its own seeded generator; in inference
/// it is the identity (0 FLOPs). Any shape.
public final class Dropout: Layer {
    /// The probability of zeroing an element, in [0, 1).
    public let probability: Float
    /// Training mode: masks only when true.
    public var isTraining = false
    private var generator: SeededGenerator

    /// Creates dropout with probability `probability` and a mask generator seeded with `seed`.
    /// - Throws: `LayerError` unless `0 <= probability < 1`.
    public init(probability: Float = 0.5, seed: UInt64 = 0) throws {
        try LayerValidation.within(probability, "[0, 1)", "probability", in: "Dropout") { $0 >= 0 && $0 < 1 }
        self.probability = probability
        self.generator = SeededGenerator(seed: seed)
    }

    /// Any shape → same shape; masked and rescaled in training mode only.
    public func forward(_ input: Tensor) throws -> Tensor {
        guard isTraining, probability > 0 else { return input }
        let keep = 1 - probability
        var output = input
        output.withUnsafeMutableBufferPointer { values in
            for index in values.indices {
                let draw = Float(generator.next() >> 40) * 0x1p-24
                values[index] = draw < probability ? 0 : values[index] / keep
            }
        }
        return output
    }

    /// Inference cost: the identity, 0 FLOPs and no new activations.
    public func cost(for input: Shape) throws -> LayerCost {
        LayerCost(kind: kind, input: input, output: input, activationBytes: 0)
    }

    /// `Dropout(probability: 0.5)`.
    public var description: String { "Dropout(probability: \(probability))" }
}
