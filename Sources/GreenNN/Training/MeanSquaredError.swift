/// Mean squared error: `L = (1/n) Σ (prediction − target)²` over all n elements, with gradient
/// `2·(prediction − target)/n` (PyTorch's `MSELoss`, mean reduction).
public enum MeanSquaredError {
    /// The mean squared difference and its gradient.
    /// - Parameters:
    ///   - prediction: any non-empty shape.
    ///   - target: the same shape.
    /// - Returns: the loss and ∂loss/∂prediction, the prediction's shape.
    /// - Throws: `TrainingError.invalidData` when the shapes differ or are empty.
    public static func evaluate(prediction: Tensor, target: Tensor) throws -> LossValue {
        guard prediction.shape == target.shape, prediction.elementCount > 0 else {
            throw TrainingError.invalidData(
                "MeanSquaredError: prediction \(prediction.shape) and target \(target.shape) must have the same non-empty shape"
            )
        }
        let count = prediction.elementCount
        var gradient = try Tensor.zeros(prediction.shape)
        var total: Double = 0
        prediction.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    for index in 0..<count {
                        let difference = p[index] - t[index]
                        total += Double(difference) * Double(difference)
                        g[index] = 2 * difference / Float(count)
                    }
                }
            }
        }
        return LossValue(value: Float(total / Double(count)), gradient: gradient)
    }
}
