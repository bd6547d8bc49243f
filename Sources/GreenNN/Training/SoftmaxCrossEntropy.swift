import Foundation

/// Softmax cross-entropy from logits, fused: the loss of each row is
/// `log Σ_j exp(z_j) − z_label`, computed as `m + log Σ_j exp(z_j − m) − z_label` with
/// `m = max_j z_j`, so no exponent overflows; its gradient is `(softmax(z) − onehot(label)) / N`.
/// Fusing avoids the `log(softmax)` of a probability that underflowed to 0 (PyTorch's
/// `CrossEntropyLoss`, mean reduction).
///
/// ```swift
/// let loss = try SoftmaxCrossEntropy.evaluate(logits: model(images), labels: labels)
/// _ = try model.backward(loss.gradient)
/// ```
public enum SoftmaxCrossEntropy {
    /// The mean loss over the batch and its gradient.
    /// - Parameters:
    ///   - logits: `[N, K]`, unnormalised class scores.
    ///   - labels: N class indices in `0..<K`.
    /// - Returns: the mean loss and ∂loss/∂logits `[N, K]`.
    /// - Throws: `TrainingError.invalidData` when the logits are not `[N, K]` with N ≥ 1 and
    ///   K ≥ 1, the label count is not N, or a label is outside `0..<K`.
    public static func evaluate(logits: Tensor, labels: [Int]) throws -> LossValue {
        guard logits.shape.rank == 2, logits.shape[0] >= 1, logits.shape[1] >= 1 else {
            throw TrainingError.invalidData(
                "SoftmaxCrossEntropy: expected logits [N, K] with N, K >= 1, got \(logits.shape)")
        }
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        guard labels.count == batch else {
            throw TrainingError.invalidData(
                "SoftmaxCrossEntropy: expected \(batch) labels for logits \(logits.shape), got \(labels.count)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw TrainingError.invalidData(
                "SoftmaxCrossEntropy: label \(labels[bad]) at index \(bad) is outside 0..<\(classes)")
        }
        var gradient = try Tensor.zeros(logits.shape)
        var total: Double = 0
        let scale = 1 / Float(batch)
        logits.withUnsafeBufferPointer { z in
            gradient.withUnsafeMutableBufferPointer { dz in
                for row in 0..<batch {
                    let offset = row * classes
                    var maximum = z[offset]
                    for j in 1..<classes { maximum = Swift.max(maximum, z[offset + j]) }
                    var sum: Float = 0
                    for j in 0..<classes {
                        let e = exp(z[offset + j] - maximum)
                        dz[offset + j] = e
                        sum += e
                    }
                    total += Double(maximum) + Double(log(sum)) - Double(z[offset + labels[row]])
                    let normaliser = scale / sum
                    for j in 0..<classes { dz[offset + j] *= normaliser }
                    dz[offset + labels[row]] -= scale
                }
            }
        }
        return LossValue(value: Float(total / Double(batch)), gradient: gradient)
    }
}
