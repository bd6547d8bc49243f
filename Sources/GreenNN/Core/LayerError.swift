/// An error from a layer: a bad configuration at construction, or bad input in `forward`
/// or `cost(for:)`. It carries the dotted path of the layer that failed; containers prefix
/// their child's name as it travels up, so the message reads
/// "features.3.depthwise (DepthwiseConv2d): expected input [N, 32, H, W], got [1, 16, 28, 28]".
public struct LayerError: Error, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Equatable, Sendable {
        /// A constructor argument outside its allowed range.
        case invalidConfiguration(String)
        /// An input whose shape the layer cannot take.
        case inputShape(expected: String, actual: Shape)
        /// A tensor operation inside the layer failed.
        case tensor(TensorError)
        /// A state problem (for example, backward before forward).
        case invalidState(String)
        /// An input the layer cannot take for a reason other than its channel count (a plane
        /// smaller than the kernel).
        case invalidInput(String)
        /// A size that grows with the input (MACs, FLOPs, an element or byte count, a padded
        /// plane) does not fit in `Int`; the text names the quantity and the input:
        /// "MAC count on input [1, 3, 100000000, 100000000]".
        case sizeOverflow(String)
    }

    /// The dotted path from the outermost container that saw the error ("" at the top).
    public private(set) var path: String
    /// The kind of the layer that failed ("Conv2d").
    public let kind: String
    /// What went wrong.
    public let reason: Reason

    /// An error raised by a layer of `kind`, with no path yet.
    public init(kind: String, reason: Reason) {
        self.path = ""
        self.kind = kind
        self.reason = reason
    }

    /// A configuration error: "Conv2d: inputChannels (6) must be divisible by groups (4)".
    public static func invalidConfiguration(_ kind: String, _ message: String) -> LayerError {
        LayerError(kind: kind, reason: .invalidConfiguration(message))
    }

    /// An input-shape error: "(Kind): expected input [N, 3, H, W], got [1, 1, 28, 28]".
    public static func inputShape(_ kind: String, expected: String, actual: Shape) -> LayerError {
        LayerError(kind: kind, reason: .inputShape(expected: expected, actual: actual))
    }

    /// A size-overflow error: "(Kind): MAC count on input [1, 3, 100000000, 100000000] overflows Int64".
    /// `quantity` names what overflowed ("MAC count", "output element count").
    public static func sizeOverflow(_ kind: String, _ quantity: String, input: Shape) -> LayerError {
        LayerError(kind: kind, reason: .sizeOverflow("\(quantity) on input \(input)"))
    }

    /// The same error seen from a parent in which the failing layer is called `name`.
    public func prefixed(with name: String) -> LayerError {
        var copy = self
        copy.path = path.isEmpty ? name : name + "." + path
        return copy
    }

    /// "<path> (<Kind>): <what was expected>, got <what came>".
    public var description: String {
        let location = path.isEmpty ? kind : "\(path) (\(kind))"
        switch reason {
        case let .invalidConfiguration(message): return "\(location): \(message)"
        case let .inputShape(expected, actual): return "\(location): expected input \(expected), got \(actual)"
        case let .tensor(error): return "\(location): \(error)"
        case let .invalidState(message): return "\(location): \(message)"
        case let .invalidInput(message): return "\(location): \(message)"
        case let .sizeOverflow(quantity): return "\(location): \(quantity) overflows Int\(Int.bitWidth)"
        }
    }

    /// Runs `body` as layer `kind`, turning a `TensorError` into a `LayerError`. `kind` is only
    /// evaluated when there is an error (a layer's `kind` builds a string from its type).
    public static func wrapping<Result>(
        _ kind: @autoclosure () -> String, _ body: () throws -> Result
    ) throws
        -> Result
    {
        do {
            return try body()
        } catch let error as TensorError {
            throw LayerError(kind: kind(), reason: .tensor(error))
        }
    }

    /// Runs `body` for the child called `name` of kind `kind`, prefixing the path of whatever
    /// error it throws (a `TensorError` becomes a `LayerError` of that child). `kind` is only
    /// evaluated when there is an error.
    public static func inChild<Result>(
        _ name: String, kind: @autoclosure () -> String, _ body: () throws -> Result
    ) throws -> Result {
        do {
            return try body()
        } catch let error as LayerError {
            throw error.prefixed(with: name)
        } catch let error as TensorError {
            throw LayerError(kind: kind(), reason: .tensor(error)).prefixed(with: name)
        }
    }
}
