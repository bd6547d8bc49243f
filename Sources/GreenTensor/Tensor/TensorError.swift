/// Errors thrown by tensor operations on bad input. Each case names the operation,
/// and its description reads "<operation>: <what was expected>, got <what came>".
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two operands (or an operand and an expectation) have incompatible shapes.
    case shapeMismatch(operation: String, expected: String, actual: Shape)
    /// A shape cannot be used: a negative dimension, too many elements, wrong rank.
    case invalidShape(operation: String, shape: Shape, reason: String)
    /// The number of scalars given does not match the shape.
    case elementCountMismatch(operation: String, shape: Shape, count: Int)
    /// An axis outside `-rank ..< rank`.
    case axisOutOfRange(operation: String, axis: Int, shape: Shape)
    /// An element index outside the shape.
    case indexOutOfRange(operation: String, index: [Int], shape: Shape)
    /// Any other argument outside its allowed range, with the rule it broke.
    case invalidArgument(operation: String, message: String)
    /// A size past what the kernels take: a count, size or leading dimension handed to the C kernels
    /// or OpenBLAS as a C `int` (`KernelLimits.maximumCount`), or a sliding window's extent
    /// (`KernelLimits.maximumWindowExtent`). `quantity` names the size, `value` is what it was.
    case sizeLimitExceeded(operation: String, quantity: String, value: Int, limit: Int)
    /// A size computed from a shape (its element count, a byte count) does not fit in `Int`:
    /// "Tensor.zeros: the element count of [3, 100000000, 100000000, 100000000] overflows Int64".
    case sizeOverflow(operation: String, quantity: String, shape: Shape)

    /// A one-line message naming the operation and both shapes or values.
    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, actual):
            return "\(operation): expected \(expected), got \(actual)"
        case let .invalidShape(operation, shape, reason):
            return "\(operation): invalid shape \(shape): \(reason)"
        case let .elementCountMismatch(operation, shape, count):
            let needed = checkedProduct(shape.dimensions).map(String.init) ?? "more than Int.max"
            return "\(operation): shape \(shape) needs \(needed) elements, got \(count)"
        case let .axisOutOfRange(operation, axis, shape):
            return "\(operation): axis \(axis) is out of range for shape \(shape) (rank \(shape.rank))"
        case let .indexOutOfRange(operation, index, shape):
            return "\(operation): index \(index) is out of range for shape \(shape)"
        case let .invalidArgument(operation, message):
            return "\(operation): \(message)"
        case let .sizeLimitExceeded(operation, quantity, value, limit):
            return "\(operation): \(quantity) must be at most \(limit), got \(value)"
        case let .sizeOverflow(operation, quantity, shape):
            return "\(operation): \(quantity) of \(shape) overflows Int\(Int.bitWidth)"
        }
    }
}
