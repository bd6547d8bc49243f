import Foundation

/// A building block of a network: it maps a batch to a batch and can say what that costs.
///
/// A layer is a small final class (it holds parameters, workspaces and, when training,
/// caches), so it is not `Sendable`: a model belongs to one task. It lists its parameters
/// and children explicitly; one walk over `children` gives dotted paths, printing and
/// cost rows. To write your own, implement `forward(_:)`, `backward(_:)`, `cost(for:)` and
/// `description`, list `directParameters` and `children` if it has any, and store `isTraining`.
///
/// Training follows Caffe and Darknet, with no global tape: a forward pass in training mode
/// keeps what the backward pass needs (privately, in the layer); `backward(_:)` takes the
/// gradient of the loss with respect to the output, adds each parameter's gradient into
/// `Parameter.gradient`, and returns the gradient with respect to the input. Containers run
/// their children's backward passes in reverse. The optimizer's update stays outside.
///
/// ```swift
/// let model = try Sequential {
///     try Conv2d(1, 6, kernelSize: 5, padding: 2)
///     ReLU()
/// }
/// let output = try model(input)            // callAsFunction
/// print(model)                              // the tree
/// for p in model.parameters { print(p.name, p.parameter.value.shape) }
///
/// model.train()                             // training mode: forward keeps its caches
/// model.zeroGradients()
/// let logits = try model(batch)
/// let loss = try SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels)
/// _ = try model.backward(loss.gradient)     // each Parameter.gradient now holds ∂loss/∂p
/// ```
public protocol Layer: AnyObject, CostReporting, CustomStringConvertible {
    /// The name cost tables and error paths give the layer ("Conv2d"); by default its type's
    /// name, and a configurable container's own ("BasicBlock", "InvertedResidual").
    var kind: String { get }

    /// Runs the layer on a batch.
    /// - Throws: `LayerError` when the input shape does not fit the layer.
    func forward(_ input: Tensor) throws -> Tensor

    /// The layer's own parameters with local names ("weight", "bias"), in a fixed order.
    var directParameters: [NamedParameter] { get }

    /// The direct sub-layers with their names, in the order they run.
    var children: [NamedLayer] { get }

    /// Stored tensors that are not learned (BatchNorm's running statistics), with local names
    /// as in a PyTorch state_dict ("running_mean").
    var directBuffers: [NamedTensor] { get }

    /// Replaces the buffer called `name` (one of `directBuffers`) with `value`, as loading a
    /// state_dict does. The default, for layers without buffers, always throws.
    /// - Throws: `LayerError` when there is no such buffer or `value` has another shape.
    func setBuffer(named name: String, to value: Tensor) throws

    /// Whether the layer runs in training mode (batch statistics in BatchNorm, masks in
    /// Dropout, and caches for `backward(_:)`). Set it for a whole tree with `train()` / `eval()`.
    var isTraining: Bool { get set }

    /// Backpropagates through the last training-mode forward pass: adds (+=) the gradient of
    /// the loss with respect to each parameter into its `Parameter.gradient`, and returns the
    /// gradient with respect to that forward pass's input.
    ///
    /// - Parameter outputGradient: ∂loss/∂output, the shape `forward(_:)` returned.
    /// - Returns: ∂loss/∂input, the shape of the input `forward(_:)` was given.
    /// - Throws: `LayerError` with reason `.invalidState` when no training-mode forward pass
    ///   preceded it (each such forward pass allows one backward pass), or when
    ///   `outputGradient` does not have the output's shape (the path names the layer).
    func backward(_ outputGradient: Tensor) throws -> Tensor

    /// `backward(_:)` for a layer whose input gradient nobody needs (the first layer of a
    /// network, whose input is data): parameter gradients only. Convolutions and linear layers
    /// then skip their input-gradient GEMM; containers skip the leading children that have no
    /// parameters. The default runs `backward(_:)` and drops its result.
    /// - Throws: `LayerError` as `backward(_:)`.
    func backwardParameters(_ outputGradient: Tensor) throws

    /// What the last training-mode forward pass kept for `backward(_:)`, nil when nothing;
    /// setting it replaces the cache (see `TrainingCache`). Layers that cache nothing keep
    /// the default, which is always nil.
    var trainingCache: TrainingCache? { get set }
}

extension Layer {
    /// No parameters of its own (layers with weights list them).
    public var directParameters: [NamedParameter] { [] }

    /// No children (containers and composite blocks list them).
    public var children: [NamedLayer] { [] }

    /// No buffers (BatchNorm lists its running statistics).
    public var directBuffers: [NamedTensor] { [] }

    /// No buffers to set: always throws.
    /// - Throws: `LayerError` with reason `.invalidConfiguration` naming the buffer.
    public func setBuffer(named name: String, to value: Tensor) throws {
        throw LayerError.invalidConfiguration(kind, "has no buffer named '\(name)'")
    }

    /// The layer's type name, used in cost tables and error paths ("Conv2d"). Built with the
    /// standard library's `_typeName`, the same text as `String(describing:)` of the type
    /// without its two protocol-conformance lookups, which showed in LeNet-5's forward pass.
    public var kind: String { _typeName(type(of: self), qualified: false) }

    /// Runs `backward(_:)` and drops the input gradient.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        _ = try backward(outputGradient)
    }

    /// No cache: the layer keeps nothing between forward and backward.
    public var trainingCache: TrainingCache? {
        get { nil }
        set {}
    }

    /// Sets the gradient of every parameter in the tree to zero (each shared one once), as a
    /// training step does before its backward pass.
    public func zeroGradients() {
        for named in parameters { named.parameter.zeroGradient() }
    }

    /// Runs `forward(_:)`: `let y = try layer(x)`.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try forward(input)
    }

    /// Every parameter in the tree with its dotted path, children in order, each parameter
    /// object once (under its first path), like PyTorch's `named_parameters()`.
    public var parameters: [NamedParameter] {
        var seen = Set<ObjectIdentifier>()
        var result: [NamedParameter] = []
        func visit(_ layer: any Layer, prefix: String) {
            for named in layer.directParameters where seen.insert(ObjectIdentifier(named.parameter)).inserted {
                result.append(NamedParameter(name: prefix + named.name, parameter: named.parameter))
            }
            for child in layer.children {
                visit(child.layer, prefix: prefix + child.name + ".")
            }
        }
        visit(self, prefix: "")
        return result
    }

    /// The layer at dotted `path` below this one ("classifier.0"; "" is this layer), or nil.
    public func sublayer(at path: String) -> (any Layer)? {
        var layer: any Layer = self
        for name in path.split(separator: ".", omittingEmptySubsequences: true) {
            guard let child = layer.children.first(where: { $0.name == name }) else { return nil }
            layer = child.layer
        }
        return layer
    }

    /// The number of learnable scalars in the tree, shared parameters counted once.
    public var parameterCount: Int {
        parameters.reduce(0) { $0 + $1.parameter.count }
    }

    /// Every buffer in the tree with its dotted path, each layer's once.
    public var buffers: [NamedTensor] {
        bufferSlots.map { NamedTensor(name: $0.name, value: $0.value) }
    }

    /// Every buffer with the layer that owns it, each layer's once.
    var bufferSlots: [BufferSlot] {
        var seen = Set<ObjectIdentifier>()
        var result: [BufferSlot] = []
        func visit(_ layer: any Layer, prefix: String) {
            guard seen.insert(ObjectIdentifier(layer)).inserted else { return }
            for buffer in layer.directBuffers {
                result.append(
                    BufferSlot(name: prefix + buffer.name, localName: buffer.name, value: buffer.value, layer: layer))
            }
            for child in layer.children { visit(child.layer, prefix: prefix + child.name + ".") }
        }
        visit(self, prefix: "")
        return result
    }

    /// Floats the tree stores: parameters and buffers, each counted once.
    public var storedFloatCount: Int {
        parameterCount + buffers.reduce(0) { $0 + $1.value.elementCount }
    }

    /// Puts the whole tree in training mode (or inference mode with `false`).
    public func train(_ training: Bool = true) {
        isTraining = training
        for child in children { child.layer.train(training) }
    }

    /// Puts the whole tree in inference mode.
    public func eval() {
        train(false)
    }

    /// The layer and its children as an indented tree, PyTorch-style. Containers open with
    /// their kind; composite blocks with their one-line description:
    ///
    ///     Sequential(
    ///       (0): Conv2d(1, 6, kernelSize: 5, padding: 2)
    ///       (1): SharedBlock(×3) {
    ///         (block): Conv2d(6, 6, kernelSize: 3, padding: 1)
    ///       }
    ///     )
    public var tree: String {
        guard !children.isEmpty else { return description }
        let lines = children.map { child in
            "  (\(child.name)): " + child.layer.tree.replacingOccurrences(of: "\n", with: "\n  ")
        }
        return self is any ContainerLayer
            ? "\(kind)(\n" + lines.joined(separator: "\n") + "\n)"
            : description + " {\n" + lines.joined(separator: "\n") + "\n}"
    }
}

/// A pure container (`Sequential`, `Branches`): its description is its tree, which opens
/// with its kind.
public protocol ContainerLayer: Layer {}
