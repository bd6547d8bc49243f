/// A chain of layers run in order; children are named by position ("0", "1", …), so paths
/// read like a PyTorch state_dict ("features.3.weight").
///
/// - Input: whatever the first layer takes → Output: whatever the last one returns.
/// - Cost: the sum of its children; parameters shared between children count once.
/// - Forward, backward and cost come from `ChainedLayer`: children in order, errors and cost
///   rows carrying the child's index in their path.
///
/// ```swift
/// let model = try Sequential {
///     try Conv2d(1, 6, kernelSize: 5, padding: 2)
///     ReLU()
///     try MaxPool2d(kernelSize: 2)
/// }
/// print(model)
/// // Sequential(
/// //   (0): Conv2d(1, 6, kernelSize: 5, padding: 2)
/// //   (1): ReLU()
/// //   (2): MaxPool2d(kernelSize: 2)
/// // )
/// ```
public final class Sequential: ContainerLayer, ChainedLayer {
    /// The layers with their names, in execution order.
    public private(set) var children: [NamedLayer]
    /// Training mode; `train()` / `eval()` set it on every child too.
    public var isTraining = false

    /// A chain of `layers`, named "0", "1", … by position.
    /// - Throws: `LayerError` when `layers` is empty.
    public convenience init(_ layers: [any Layer]) throws {
        try self.init(named: layers.enumerated().map { NamedLayer(String($0.offset), $0.element) })
    }

    /// A chain of named layers, for models whose parts have names ("features", "classifier").
    /// - Throws: `LayerError` when `layers` is empty or two names repeat.
    public init(named layers: [NamedLayer]) throws {
        guard !layers.isEmpty else { throw LayerError.invalidConfiguration("Sequential", "needs at least one layer") }
        guard Set(layers.map(\.name)).count == layers.count else {
            throw LayerError.invalidConfiguration("Sequential", "child names must be unique, got \(layers.map(\.name))")
        }
        children = layers
    }

    /// Swaps the child called `name` for `layer` (as a model-wide compression does); the name
    /// and position stay, so paths do not change.
    /// - Throws: `LayerError` when there is no child called `name`.
    public func replaceChild(named name: String, with layer: any Layer) throws {
        guard let index = children.firstIndex(where: { $0.name == name }) else {
            throw LayerError.invalidConfiguration(
                kind, "has no child named '\(name)' (children: \(children.map(\.name).joined(separator: ", ")))")
        }
        children[index] = NamedLayer(name, layer)
    }

    /// The layers, in execution order.
    public var layers: [any Layer] { children.map(\.layer) }

    /// A chain built with a result builder: one layer per line.
    /// - Throws: `LayerError` when empty, or whatever building a layer throws.
    public convenience init(@LayerBuilder _ build: () throws -> [any Layer]) throws {
        try self.init(try build())
    }

    /// The indented tree of children.
    public var description: String { tree }
}

/// Collects layers written one per line into an array, for `Sequential { … }` and
/// `Branches { … }`.
@resultBuilder
public enum LayerBuilder {
    /// Each line is one layer.
    public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
    /// An array of layers (from a loop) is spliced in.
    public static func buildExpression(_ layers: [any Layer]) -> [any Layer] { layers }
    /// The lines in order.
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
    /// An `if` without `else`.
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
    /// The taken branch of an `if`/`else`.
    public static func buildEither(first part: [any Layer]) -> [any Layer] { part }
    /// The taken branch of an `if`/`else`.
    public static func buildEither(second part: [any Layer]) -> [any Layer] { part }
    /// A `for` loop's bodies, in order.
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}
