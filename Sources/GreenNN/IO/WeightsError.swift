/// Weights that cannot be loaded into a model, or a weights file that cannot be read or written.
public enum WeightsError: Error, Equatable, CustomStringConvertible {
    /// The safetensors file itself is unreadable or corrupt.
    case file(SafeTensorsError)
    /// The tensors do not fit the model; every problem is listed at once, and nothing was loaded.
    case mismatch(WeightsMismatch)
    /// A layer lists a buffer (`directBuffers`) that its `setBuffer(named:to:)` refuses; nothing
    /// was loaded.
    case unsettableBuffer(name: String, reason: String)
    /// A quantized model's file lacks or garbles a metadata entry (its format, input shape or
    /// calibration method); nothing was loaded.
    case invalidMetadata(key: String, reason: String)

    /// "weights: …" with the file's error, or every missing, unexpected, mis-shaped and
    /// non-finite tensor.
    public var description: String {
        switch self {
        case let .file(error): "weights: \(error)"
        case let .mismatch(mismatch): "weights do not fit the model (nothing was loaded): \(mismatch)"
        case let .unsettableBuffer(name, reason):
            "weights: buffer '\(name)' cannot be set (nothing was loaded): \(reason)"
        case let .invalidMetadata(key, reason):
            "weights: metadata '\(key)' \(reason) (nothing was loaded)"
        }
    }
}

/// Everything that keeps a set of named tensors from loading into a model, like the report of
/// PyTorch's `load_state_dict`.
public struct WeightsMismatch: Equatable, Sendable, CustomStringConvertible {
    /// A tensor whose shape differs from the model's.
    public struct ShapeDifference: Equatable, Sendable {
        /// The dotted path ("features.0.weight").
        public let name: String
        /// The model's shape.
        public let expected: Shape
        /// The file's shape.
        public let actual: Shape
    }

    /// Model tensors the file does not have.
    public var missing: [String] = []
    /// File tensors the model does not have.
    public var unexpected: [String] = []
    /// Tensors present in both with different shapes.
    public var misshaped: [ShapeDifference] = []
    /// Tensors holding NaN or infinity.
    public var nonFinite: [String] = []
    /// Tensors stored as another element type than the model reads ("conv.weight: expected I8, got F32").
    public var mistyped: [String] = []
    /// Tensors with values outside their range (int8 weight codes beyond ±127, scales that are not positive).
    public var outOfRange: [String] = []

    /// Whether nothing is wrong.
    public var isEmpty: Bool {
        missing.isEmpty && unexpected.isEmpty && misshaped.isEmpty && nonFinite.isEmpty && mistyped.isEmpty
            && outOfRange.isEmpty
    }

    /// "missing [a, b]; unexpected [c]; mis-shaped d: expected [6, 1, 5, 5], got [6, 1, 3, 3]".
    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing \(missing)") }
        if !unexpected.isEmpty { parts.append("unexpected \(unexpected)") }
        for difference in misshaped {
            parts.append("mis-shaped \(difference.name): expected \(difference.expected), got \(difference.actual)")
        }
        if !nonFinite.isEmpty { parts.append("NaN or infinity in \(nonFinite)") }
        if !mistyped.isEmpty { parts.append("mistyped \(mistyped)") }
        if !outOfRange.isEmpty { parts.append("out of range \(outOfRange)") }
        return parts.joined(separator: "; ")
    }
}
