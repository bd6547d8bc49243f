// Optimizer updates as one vectorised pass over a parameter, its gradient and its state, on
// the per-ISA C kernels (GreenNN's optimizers call these; the formulas are in their docs).
// Elements per parameter: Adam 10 FLOPs and a square root, SGD with momentum 5.
internal import CKernels

/// In-place optimizer steps on whole tensors.
public enum ParameterUpdate {
    /// One Adam step (Kingma and Ba 2015, PyTorch's form) on every element:
    /// `g = gradient + l2·value`, `mean = β₁·mean + (1 − β₁)·g`, `squares = β₂·squares + (1 − β₂)·g²`,
    /// `value = value·shrink − stepSize·mean / (√squares·correction + ε)`.
    /// - Parameters:
    ///   - value: the parameter, updated in place.
    ///   - gradient: its gradient, the same shape.
    ///   - mean: the first moment, the same shape, updated in place.
    ///   - squares: the second moment, the same shape, updated in place.
    ///   - beta1: β₁.
    ///   - beta2: β₂.
    ///   - stepSize: learning rate / (1 − β₁ᵗ).
    ///   - correction: 1 / √(1 − β₂ᵗ).
    ///   - epsilon: ε.
    ///   - l2: coupled weight decay added to the gradient (0 for none).
    ///   - shrink: the value's factor before the step, `1 − learning rate·weight decay` for AdamW's
    ///     decoupled decay (1 for none).
    /// - Throws: `TensorError.shapeMismatch` when a tensor's shape differs from the value's.
    public static func adam(
        _ value: inout Tensor, gradient: Tensor, mean: inout Tensor, squares: inout Tensor, beta1: Float, beta2: Float,
        stepSize: Float, correction: Float, epsilon: Float, l2: Float, shrink: Float = 1
    ) throws(TensorError) {
        try check(value, [gradient, mean, squares], operation: "ParameterUpdate.adam")
        let count = value.elementCount
        let g = gradient.storage.base
        value.withUnsafeMutableBufferPointer { v in
            mean.withUnsafeMutableBufferPointer { m in
                squares.withUnsafeMutableBufferPointer { s in
                    guard let values = v.baseAddress, let means = m.baseAddress, let squared = s.baseAddress else {
                        return
                    }
                    Kernels.table.adamUpdate(
                        values, g, means, squared, count, beta1, beta2, stepSize, correction, epsilon, l2, shrink)
                }
            }
        }
    }

    /// One SGD step on every element: `g = gradient + decay·value`; without a velocity
    /// `value −= rate·g`, else `velocity = momentum·velocity + g` and
    /// `value −= rate·(nesterov ? g + momentum·velocity : velocity)`.
    /// - Parameters:
    ///   - value: the parameter, updated in place.
    ///   - gradient: its gradient, the same shape.
    ///   - velocity: the momentum buffer, the same shape, updated in place; nil without momentum.
    ///   - rate: the learning rate.
    ///   - momentum: the velocity's decay.
    ///   - decay: L2 weight decay added to the gradient.
    ///   - nesterov: whether to look ahead along the velocity.
    /// - Throws: `TensorError.shapeMismatch` when a tensor's shape differs from the value's.
    public static func sgd(
        _ value: inout Tensor, gradient: Tensor, velocity: inout Tensor?, rate: Float, momentum: Float, decay: Float,
        nesterov: Bool
    ) throws(TensorError) {
        try check(value, [gradient] + (velocity.map { [$0] } ?? []), operation: "ParameterUpdate.sgd")
        let count = value.elementCount
        let g = gradient.storage.base
        value.withUnsafeMutableBufferPointer { v in
            guard let values = v.baseAddress else { return }
            guard velocity != nil else {
                Kernels.table.sgdUpdate(values, g, nil, count, rate, momentum, decay, 0)
                return
            }
            velocity!.withUnsafeMutableBufferPointer { buffer in
                guard let velocities = buffer.baseAddress else { return }
                Kernels.table.sgdUpdate(values, g, velocities, count, rate, momentum, decay, nesterov ? 1 : 0)
            }
        }
    }

    private static func check(_ value: Tensor, _ others: [Tensor], operation: String) throws(TensorError) {
        for other in others where other.shape != value.shape {
            throw .shapeMismatch(
                operation: operation, expected: "\(value.shape) (the parameter's shape)", actual: other.shape)
        }
    }
}
