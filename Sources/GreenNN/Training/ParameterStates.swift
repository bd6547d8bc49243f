/// An optimizer's per-parameter state (momentum, moment estimates), keyed by the parameter's
/// identity, so a parameter shared by several layers has one state and is updated once.
/// Each entry keeps its parameter alive, so an identifier is never reused for another one.
public struct ParameterStates<State> {
    private var entries: [ObjectIdentifier: (parameter: Parameter, state: State)] = [:]

    /// No states yet; each parameter gets one on its first update.
    public init() {}

    /// How many parameters have a state.
    public var count: Int { entries.count }

    /// The state of `parameter`, or nil before its first update.
    public func state(for parameter: Parameter) -> State? {
        entries[ObjectIdentifier(parameter)]?.state
    }

    /// Gives `parameter` the state `state`, replacing any it had (restoring a checkpoint).
    mutating func set(_ state: State, for parameter: Parameter) {
        entries[ObjectIdentifier(parameter)] = (parameter, state)
    }

    /// Runs `body` on the state of `parameter` in place, creating it with `make` first when
    /// the parameter has none.
    /// - Throws: whatever `make` or `body` throws.
    mutating func withState<Result>(
        for parameter: Parameter, make: (Parameter) throws -> State, _ body: (inout State) throws -> Result
    ) throws -> Result {
        let key = ObjectIdentifier(parameter)
        if entries[key] == nil { entries[key] = (parameter, try make(parameter)) }
        return try body(&entries[key]!.state)
    }
}
