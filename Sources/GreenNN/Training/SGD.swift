/// Stochastic gradient descent with optional momentum (Polyak 1964), Nesterov momentum
/// (Nesterov 1983; as used for deep networks by Sutskever, Martens, Dahl and Hinton 2013) and
/// L2 weight decay, with PyTorch's update rule (dampening 0):
///
///     g = ∇ + weightDecay·p
///     v = momentum·v + g                       (v starts at 0)
///     p = p − learningRate·(nesterov ? g + momentum·v : v)
///
/// With momentum 0 it is plain `p = p − learningRate·g` and keeps no state tensor.
public final class SGD: Optimizer {
    /// Per parameter: the velocity (nil when momentum is 0).
    public struct State {
        /// The running sum of gradients, decayed by `momentum`.
        public var velocity: Tensor?
    }

    /// The step size.
    public var learningRate: Float
    /// The velocity's decay, in [0, 1).
    public let momentum: Float
    /// Whether the step looks ahead along the velocity (Nesterov).
    public let nesterov: Bool
    /// The L2 penalty's coefficient, added to the gradient as `weightDecay·p`.
    public let weightDecay: Float
    /// The velocity of every parameter updated so far.
    public var states = ParameterStates<State>()

    /// Creates the optimizer.
    /// - Throws: `TrainingError.invalidArgument` for a negative or non-finite learning rate or
    ///   weight decay, momentum outside [0, 1), or Nesterov without momentum.
    public init(learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) throws {
        try requireHyperparameter(learningRate, "learningRate", of: "SGD", in: "[0, ∞)") { $0 >= 0 }
        try requireHyperparameter(momentum, "momentum", of: "SGD", in: "[0, 1)") { $0 >= 0 && $0 < 1 }
        try requireHyperparameter(weightDecay, "weightDecay", of: "SGD", in: "[0, ∞)") { $0 >= 0 }
        guard !nesterov || momentum > 0 else {
            throw TrainingError.invalidArgument("SGD: nesterov needs a momentum above 0")
        }
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// A zero velocity of the parameter's shape, or none without momentum.
    /// - Throws: `TensorError` if the tensor cannot be created.
    public func makeState(for parameter: Parameter) throws -> State {
        State(velocity: momentum > 0 ? try Tensor.zeros(parameter.value.shape) : nil)
    }

    /// The velocity as "velocity" (nothing without momentum); SGD counts no steps.
    public func savedState(_ state: State) -> SavedOptimizerState {
        SavedOptimizerState(tensors: state.velocity.map { ["velocity": $0] } ?? [:])
    }

    /// The velocity from "velocity" (which must be absent without momentum).
    /// - Throws: `TrainingError.invalidData` for a missing, unexpected or mis-shaped tensor.
    public func restoredState(_ saved: SavedOptimizerState, for parameter: Parameter) throws -> State {
        let velocity = try saved.requiredTensors(momentum > 0 ? ["velocity"] : [], like: parameter, owner: "SGD")
        return State(velocity: velocity.first)
    }

    /// One SGD step on `parameter`.
    public func applyUpdate(to parameter: Parameter, state: inout State) throws {
        try ParameterUpdate.sgd(
            &parameter.value, gradient: parameter.gradient, velocity: &state.velocity, rate: learningRate,
            momentum: momentum, decay: weightDecay, nesterov: nesterov)
    }
}
