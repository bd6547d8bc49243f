/// A learnable tensor and its gradient. A class, because sharing and in-place updates rely
/// on identity: a parameter used by two layers is one object, counted and updated once.
public final class Parameter {
    /// The current value.
    public var value: Tensor
    /// The accumulated gradient, the same shape as `value` (zeros until a backward pass).
    public var gradient: Tensor

    /// Wraps `value` with a zero gradient.
    public init(_ value: Tensor) {
        self.value = value
        self.gradient = (try? Tensor.zeros(value.shape)) ?? value
    }

    /// The number of learnable scalars.
    public var count: Int { value.elementCount }

    /// Sets every element of `gradient` to zero, in place.
    public func zeroGradient() {
        gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Adds `contribution` into `gradient` (backward passes accumulate this way).
    /// - Throws: `TensorError.shapeMismatch` when its shape is not the parameter's.
    public func accumulate(_ contribution: Tensor) throws {
        try gradient.add(contribution)
    }
}

/// A parameter and its dotted path in a model, like a PyTorch state_dict key
/// ("features.3.depthwise.weight").
public struct NamedParameter {
    /// The dotted path.
    public let name: String
    /// The parameter object (shared parameters appear once, under their first path).
    public let parameter: Parameter

    /// Pairs a path with a parameter.
    public init(name: String, parameter: Parameter) {
        self.name = name
        self.parameter = parameter
    }

    /// `weight`, then `bias` when there is one: the parameter list of conv and linear layers.
    public static func weightAndBias(_ weight: Parameter, _ bias: Parameter?) -> [NamedParameter] {
        [NamedParameter(name: "weight", parameter: weight)]
            + (bias.map { [NamedParameter(name: "bias", parameter: $0)] } ?? [])
    }
}

/// A child layer and its name in its parent (a property name, or an index in `Sequential`).
public struct NamedLayer {
    /// The child's name in its parent.
    public let name: String
    /// The child.
    public let layer: any Layer

    /// Pairs a name with a layer.
    public init(_ name: String, _ layer: any Layer) {
        self.name = name
        self.layer = layer
    }
}

/// A stored tensor and its name (a buffer such as "running_mean", or a dotted path in a model).
public struct NamedTensor {
    /// The name or dotted path.
    public let name: String
    /// The tensor.
    public let value: Tensor

    /// Pairs a name with a tensor.
    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
    }
}
