import Foundation

/// Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic Optimization"), with PyTorch's
/// bias-corrected update and optional L2 weight decay added to the gradient:
///
///     g = ∇ + weightDecay·p
///     m = β₁·m + (1 − β₁)·g,   v = β₂·v + (1 − β₂)·g²        (t counts steps from 1)
///     p = p − learningRate/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)
///
/// For weight decay decoupled from the gradient, use `AdamW`.
public final class Adam: Optimizer {
    /// Per parameter: the moment estimates and the step count.
    public struct State {
        /// First moment (mean of gradients), the parameter's shape.
        public var mean: Tensor
        /// Second moment (mean of squared gradients), the parameter's shape.
        public var squares: Tensor
        /// Steps taken so far.
        public var step: Int
    }

    /// The step size.
    public var learningRate: Float
    /// β₁, the first moment's decay, in [0, 1).
    public let beta1: Float
    /// β₂, the second moment's decay, in [0, 1).
    public let beta2: Float
    /// ε, added to the denominator, > 0.
    public let epsilon: Float
    /// The L2 penalty's coefficient, added to the gradient.
    public let weightDecay: Float
    /// The moments of every parameter updated so far.
    public var states = ParameterStates<State>()

    /// Creates the optimizer with the paper's defaults.
    /// - Throws: `TrainingError.invalidArgument` for a negative learning rate or weight decay,
    ///   a β outside [0, 1), or ε <= 0.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0
    ) throws {
        try Self.validate(learningRate, beta1, beta2, epsilon, weightDecay, owner: "Adam")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// Checks Adam's and AdamW's shared hyper-parameters.
    static func validate(
        _ learningRate: Float, _ beta1: Float, _ beta2: Float, _ epsilon: Float, _ weightDecay: Float, owner: String
    ) throws {
        try requireHyperparameter(learningRate, "learningRate", of: owner, in: "[0, ∞)") { $0 >= 0 }
        try requireHyperparameter(beta1, "beta1", of: owner, in: "[0, 1)") { $0 >= 0 && $0 < 1 }
        try requireHyperparameter(beta2, "beta2", of: owner, in: "[0, 1)") { $0 >= 0 && $0 < 1 }
        try requireHyperparameter(epsilon, "epsilon", of: owner, in: "(0, ∞)") { $0 > 0 }
        try requireHyperparameter(weightDecay, "weightDecay", of: owner, in: "[0, ∞)") { $0 >= 0 }
    }

    /// Zero moments of the parameter's shape, step 0.
    /// - Throws: `TensorError` if the tensors cannot be created.
    public func makeState(for parameter: Parameter) throws -> State {
        State(mean: try Tensor.zeros(parameter.value.shape), squares: try Tensor.zeros(parameter.value.shape), step: 0)
    }

    /// The moments as "mean" and "squares", and the step count.
    public func savedState(_ state: State) -> SavedOptimizerState {
        state.saved
    }

    /// The moments and step count that `savedState(_:)` wrote.
    /// - Throws: `TrainingError.invalidData` for a missing, unexpected or mis-shaped tensor, or a
    ///   negative step.
    public func restoredState(_ saved: SavedOptimizerState, for parameter: Parameter) throws -> State {
        try State(saved, for: parameter, owner: "Adam")
    }

    /// One Adam step on `parameter`.
    public func applyUpdate(to parameter: Parameter, state: inout State) throws {
        try Self.step(
            parameter, state: &state, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            l2: weightDecay)
    }

    /// The bias-corrected moment update shared with `AdamW`, with `l2·p` added to the gradient and
    /// the value multiplied by `shrink` first.
    static func step(
        _ parameter: Parameter, state: inout State, learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
        l2: Float, shrink: Float = 1
    ) throws {
        state.step += 1
        let t = Float(state.step)
        try ParameterUpdate.adam(
            &parameter.value, gradient: parameter.gradient, mean: &state.mean, squares: &state.squares, beta1: beta1,
            beta2: beta2, stepSize: learningRate / (1 - pow(beta1, t)),
            correction: 1 / (1 - pow(beta2, t)).squareRoot(),
            epsilon: epsilon, l2: l2, shrink: shrink)
    }
}

// In an extension, so that `State` keeps its memberwise initialiser.
extension Adam.State {
    /// The state as a checkpoint stores it: "mean", "squares" and the step (shared with `AdamW`).
    var saved: SavedOptimizerState {
        SavedOptimizerState(tensors: ["mean": mean, "squares": squares], step: step)
    }

    /// The state a checkpoint stored, checked against `parameter`.
    /// - Throws: `TrainingError.invalidData` naming `owner`.
    init(_ saved: SavedOptimizerState, for parameter: Parameter, owner: String) throws {
        let moments = try saved.requiredTensors(["mean", "squares"], like: parameter, owner: owner)
        guard saved.step >= 0 else {
            throw TrainingError.invalidData("\(owner): the step count must be >= 0, got \(saved.step)")
        }
        self.init(mean: moments[0], squares: moments[1], step: saved.step)
    }
}
