@testable import GreenNN

/// A least-squares problem every optimizer must solve: 64 random inputs `x ∈ [-1, 1)³` and
/// targets `y = W*·x + b*` for a fixed `W* [2, 3]`, `b* [2]`, fitted by a `Linear(3, 2)` that
/// starts at zero. The minimum loss is exactly 0.
struct SyntheticRegression {
    let inputs = randomTensor([64, 3], seed: 501)
    let weight = Naive.tensor([2, 3], [0.5, -1, 2, 1.5, 0.25, -0.75])
    let bias = Naive.tensor([2], [0.3, -0.2])
    var targets: Tensor { Naive.linear(inputs, weight: weight, bias: bias) }

    /// Runs `steps` full-batch steps of `optimizer` from zero weights and returns the final
    /// mean squared error (measured after the last update) and the model.
    func solve(with optimizer: some Optimizer, steps: Int) throws -> (loss: Float, model: Linear) {
        let model = try Linear(weight: Tensor.zeros([2, 3]), bias: Tensor.zeros([2]))
        model.train()
        let targets = targets
        for _ in 0..<steps {
            model.zeroGradients()
            let loss = try MeanSquaredError.evaluate(prediction: try model.forward(inputs), target: targets)
            _ = try model.backward(loss.gradient)
            try optimizer.update(model)
        }
        return (try MeanSquaredError.evaluate(prediction: try model.forward(inputs), target: targets).value, model)
    }
}
