/// Updates parameters from their accumulated gradients, one parameter at a time with its own
/// state (MLX's `Optimizer`: `newState(parameter:)` and `applySingle(gradient:parameter:state:)`).
///
/// An update walks the parameters (each shared one once, `Layer.parameters`), and leaves
/// the gradients as they are: the training loop zeroes them before the next backward pass.
///
/// ```swift
/// let optimizer = try Adam(learningRate: 1e-3)
/// model.zeroGradients()
/// _ = try model.backward(loss.gradient)
/// try optimizer.update(model)
/// ```
public protocol Optimizer: AnyObject {
    /// What the optimizer keeps per parameter.
    associatedtype State

    /// The step size; a `LearningRateSchedule` may change it between steps.
    var learningRate: Float { get set }

    /// The state of every parameter updated so far.
    var states: ParameterStates<State> { get set }

    /// The state of a parameter seen for the first time (zeros of its shape, a step count of 0).
    /// - Throws: `TensorError` if its tensors cannot be created.
    func makeState(for parameter: Parameter) throws -> State

    /// Updates `parameter.value` in place from `parameter.gradient` and `state`.
    /// - Throws: `TrainingError.invalidData` when the gradient's shape is not the value's.
    func applyUpdate(to parameter: Parameter, state: inout State) throws
}

extension Optimizer {
    /// One step for each parameter in `parameters` (list a shared parameter once).
    /// - Throws: the first error of `makeState(for:)` or `applyUpdate(to:state:)`.
    public func update(_ parameters: [Parameter]) throws {
        for parameter in parameters {
            guard parameter.gradient.shape == parameter.value.shape else {
                throw TrainingError.invalidData(
                    "\(Self.self): gradient \(parameter.gradient.shape) does not match parameter \(parameter.value.shape)"
                )
            }
            try states.withState(for: parameter, make: makeState) { state in
                try applyUpdate(to: parameter, state: &state)
            }
        }
    }

    /// One step for every parameter of `model`, each shared one once.
    /// - Throws: as `update(_:)` for a list.
    public func update(_ model: any Layer) throws {
        try update(model.parameters.map(\.parameter))
    }
}

/// Checks an optimizer's hyper-parameter, throwing `TrainingError.invalidArgument` with the
/// rule it broke: "SGD: momentum must be in [0, 1), got 1.5".
func requireHyperparameter(
    _ value: Float, _ name: String, of owner: String, in range: String, _ valid: (Float) -> Bool
) throws {
    guard value.isFinite, valid(value) else {
        throw TrainingError.invalidArgument("\(owner): \(name) must be in \(range), got \(value)")
    }
}
