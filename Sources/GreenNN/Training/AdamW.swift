/// AdamW (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization"): Adam whose
/// weight decay shrinks the parameter directly instead of entering the gradient, so the decay
/// is not rescaled by the adaptive denominator:
///
///     p = p − learningRate·weightDecay·p,   then Adam's step on ∇ alone
///
/// PyTorch's defaults: learning rate 1e-3, β (0.9, 0.999), ε 1e-8, weight decay 0.01.
public final class AdamW: Optimizer {
    /// Per parameter: Adam's moments and step count.
    public typealias State = Adam.State

    /// The step size.
    public var learningRate: Float
    /// β₁, the first moment's decay, in [0, 1).
    public let beta1: Float
    /// β₂, the second moment's decay, in [0, 1).
    public let beta2: Float
    /// ε, added to the denominator, > 0.
    public let epsilon: Float
    /// The decoupled decay's coefficient.
    public let weightDecay: Float
    /// The moments of every parameter updated so far.
    public var states = ParameterStates<State>()

    /// Creates the optimizer.
    /// - Throws: `TrainingError.invalidArgument` for a negative learning rate or weight decay,
    ///   a β outside [0, 1), or ε <= 0.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0.01
    ) throws {
        try Adam.validate(learningRate, beta1, beta2, epsilon, weightDecay, owner: "AdamW")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
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
        try State(saved, for: parameter, owner: "AdamW")
    }

    /// The decoupled decay, then one Adam step on `parameter`.
    public func applyUpdate(to parameter: Parameter, state: inout State) throws {
        try Adam.step(
            parameter, state: &state, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, l2: 0,
            shrink: 1 - learningRate * weightDecay)
    }
}
