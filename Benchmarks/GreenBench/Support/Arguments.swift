/// A hand-written command-line reader (no outside packages can be fetched): options as
/// `--name value` or `--name=value`, flags as `--name`, everything else positional.
struct Arguments {
    private(set) var positionals: [String] = []
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// Splits `arguments`; `valueOptions` take a value, `flagOptions` do not.
    /// - Throws: `UsageError` for an unknown option or a missing value.
    init(_ arguments: [String], valueOptions: Set<String>, flagOptions: Set<String> = []) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                positionals.append(argument)
                continue
            }
            let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map(String.init)
            let name = parts.first ?? ""
            if flagOptions.contains(name), parts.count == 1 {
                flags.insert(name)
            } else if valueOptions.contains(name) {
                if parts.count == 2 {
                    values[name] = parts[1]
                } else if index < arguments.count {
                    values[name] = arguments[index]
                    index += 1
                } else {
                    throw UsageError("option --\(name) needs a value")
                }
            } else {
                let known = (valueOptions.union(flagOptions)).sorted().map { "--" + $0 }.joined(separator: ", ")
                throw UsageError("unknown option '\(argument)' (known: \(known.isEmpty ? "none" : known))")
            }
        }
    }

    /// Whether flag `name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The raw value of option `name`, if given.
    func value(_ name: String) -> String? { values[name] }

    /// Option `name` as an integer within `range`, or `defaultValue` when absent.
    func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// Option `name` as one of `choices`' raw values, or `defaultValue` when absent.
    func choice<Choice: RawRepresentable & CaseIterable>(
        _ name: String, default defaultValue: Choice
    ) throws(UsageError)
        -> Choice where Choice.RawValue == String
    {
        guard let text = values[name] else { return defaultValue }
        guard let value = Choice(rawValue: text) else {
            let known = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw UsageError("--\(name) must be one of \(known), got '\(text)'")
        }
        return value
    }
}
