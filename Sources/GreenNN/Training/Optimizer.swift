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

    /// `state` as a checkpoint stores it: its tensors under short names ("velocity"; "mean" and
    /// "squares") and its step count (0 for optimizers that count none).
    func savedState(_ state: State) -> SavedOptimizerState

    /// The state that `savedState(_:)` described, for `parameter`.
    /// - Throws: `TrainingError.invalidData` when a tensor is missing, unexpected, or not the
    ///   parameter's shape.
    func restoredState(_ saved: SavedOptimizerState, for parameter: Parameter) throws -> State
}

/// One parameter's optimizer state as a checkpoint stores it (`Optimizer.savedState(_:)`).
public struct SavedOptimizerState: Sendable {
    /// The state's tensors by short name ("velocity", "mean", "squares"), each the parameter's shape.
    public var tensors: [String: Tensor]
    /// Steps taken so far (Adam's bias correction needs it; 0 for SGD).
    public var step: Int

    /// Bundles the tensors and the step count.
    public init(tensors: [String: Tensor] = [:], step: Int = 0) {
        self.tensors = tensors
        self.step = step
    }

    /// The tensors called `names`, in that order, after checking that there are no others and
    /// that each has `parameter`'s shape.
    /// - Throws: `TrainingError.invalidData` naming `owner` and the tensor.
    func requiredTensors(_ names: [String], like parameter: Parameter, owner: String) throws -> [Tensor] {
        if let unexpected = tensors.keys.sorted().first(where: { !names.contains($0) }) {
            throw TrainingError.invalidData("\(owner): unexpected state tensor '\(unexpected)' (expected \(names))")
        }
        return try names.map { name in
            guard let tensor = tensors[name] else {
                throw TrainingError.invalidData("\(owner): state tensor '\(name)' is missing")
            }
            guard tensor.shape == parameter.value.shape else {
                throw TrainingError.invalidData(
                    "\(owner): state tensor '\(name)' must be \(parameter.value.shape), got \(tensor.shape)")
            }
            return tensor
        }
    }
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

    /// The saved state of every parameter in `parameters` that has one, keyed by its dotted path
    /// (parameters never updated have none).
    public func savedStates(of parameters: [NamedParameter]) -> [String: SavedOptimizerState] {
        var result: [String: SavedOptimizerState] = [:]
        for named in parameters {
            if let state = states.state(for: named.parameter) { result[named.name] = savedState(state) }
        }
        return result
    }

    /// Replaces every state with the ones in `saved`, keyed by the dotted paths of `parameters`
    /// (a parameter without an entry starts afresh on its next update). Nothing changes when
    /// this throws.
    /// - Throws: `TrainingError.invalidData` naming the parameter, for a path `parameters` does
    ///   not have or a state that does not fit (`restoredState(_:for:)`).
    public func restoreStates(_ saved: [String: SavedOptimizerState], of parameters: [NamedParameter]) throws {
        let known = Set(parameters.map(\.name))
        if let unknown = saved.keys.sorted().first(where: { !known.contains($0) }) {
            throw TrainingError.invalidData("\(Self.self): a state for '\(unknown)', which the model does not have")
        }
        var restored = ParameterStates<State>()
        for named in parameters {
            guard let entry = saved[named.name] else { continue }
            do {
                restored.set(try restoredState(entry, for: named.parameter), for: named.parameter)
            } catch {
                throw TrainingError.invalidData("\(named.name): \(error)")
            }
        }
        states = restored
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
