/// Softmax along the class axis (axis 1): each row of `[N, K]` sums to 1.
/// FLOPs: 5 per element (max compare, subtract, exp, sum, divide); backward 4 per element
/// (`softmaxBackward`). To train a classifier, feed logits to `SoftmaxCrossEntropy` instead,
/// which fuses softmax with the loss.
public final class Softmax: Layer {
    /// Training mode: forward keeps its output for `backward(_:)`.
    public var isTraining = false
    private var cachedOutput: Tensor?

    /// Creates a softmax over axis 1.
    public init() {}

    /// `[N, K, …]` → same shape.
    /// - Throws: `LayerError` for rank below 2.
    public func forward(_ input: Tensor) throws -> Tensor {
        _ = try cost(for: input.shape)
        let output = try LayerError.wrapping(kind) { try input.softmax(alongAxis: 1) }
        cachedOutput = isTraining ? output : nil
        return output
    }

    /// `y ⊙ (dy − Σ dy·y)` along axis 1.
    /// - Parameter outputGradient: the output's shape.
    /// - Returns: the input's shape.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let output = try LayerValidation.takeCache(&cachedOutput, in: kind)
        return try LayerError.wrapping(kind) { try softmaxBackward(outputGradient, output: output, alongAxis: 1) }
    }

    /// The cached output of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cachedOutput.map(TrainingCache.init) }
        set { cachedOutput = newValue?.contents(as: Tensor.self) }
    }

    /// 0 MACs; 5 FLOPs per element, 4 backward.
    /// - Throws: `LayerError` for rank below 2.
    public func cost(for input: Shape) throws -> LayerCost {
        guard input.rank >= 2 else { throw LayerError.inputShape(kind, expected: "[N, K, …]", actual: input) }
        return try LayerCost.elementwise(kind: kind, input: input, flopsPerElement: 5, backwardFlopsPerElement: 4)
    }

    /// `Softmax()`.
    public var description: String { "Softmax()" }
}
