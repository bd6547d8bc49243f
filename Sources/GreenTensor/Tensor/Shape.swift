/// The dimensions of a tensor, outermost first (row-major; images are `[N, C, H, W]`).
///
/// A shape is a plain value: it may hold any integers, and the operations that
/// create storage from it (`Tensor.zeros(_:)`, …) reject negative dimensions
/// with a `TensorError`.
///
/// Invariant: `elementCount` (and any product of some of the dimensions) is unchecked
/// arithmetic, safe only on a shape that passed `checkedElementCount(for:)` or
/// `validated(for:)` (or an equivalent check). Every entry point that takes a shape from user
/// input or a file checks it first: the `Tensor` initialisers (`Tensor(shape:scalars:)`,
/// `zeros`, `filled`, `uniform`, `normal`, the He and Xavier initialisers, `reshaped(to:)`)
/// through `validated(for:)`, and GreenNN's `cost(for:)` (and so `CostTable`) through its
/// `CostArithmetic`, which also checks every MAC, FLOP and byte count. A tensor's own shape
/// is therefore always safe.
///
/// ```swift
/// let shape: Shape = [1, 3, 224, 224]
/// shape.rank          // 4
/// shape.elementCount  // 150_528
/// ```
public struct Shape: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The size of each axis, outermost first.
    public var dimensions: [Int]

    /// Creates a shape from its dimensions, outermost first.
    public init(_ dimensions: [Int]) {
        self.dimensions = dimensions
    }

    /// Creates a shape from an array literal: `[2, 3]`.
    public init(arrayLiteral elements: Int...) {
        self.dimensions = elements
    }

    /// The number of axes.
    public var rank: Int { dimensions.count }

    /// The number of elements a tensor of this shape holds (1 for rank 0).
    ///
    /// Unchecked: it traps when the product overflows `Int`, so use it only on a shape that
    /// passed `checkedElementCount(for:)` or `validated(for:)` (every tensor's shape has).
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// The element count, computed with overflow checks.
    ///
    /// A zero dimension counts as 1 for the check, so a shape passes only when the product of
    /// its nonzero dimensions fits in `Int`; then no product of some of its dimensions (a
    /// stride, a plane size, `elementCount`) can overflow either.
    /// - Throws: `TensorError.invalidShape` naming `operation` for a negative dimension;
    ///   `TensorError.sizeOverflow` when the product overflows `Int`.
    public func checkedElementCount(for operation: String) throws(TensorError) -> Int {
        guard dimensions.allSatisfy({ $0 >= 0 }) else {
            throw .invalidShape(operation: operation, shape: self, reason: "dimensions must be non-negative")
        }
        guard checkedProduct(dimensions.lazy.map { max($0, 1) }) != nil else {
            throw .sizeOverflow(operation: operation, quantity: "the element count", shape: self)
        }
        return elementCount
    }

    /// The size of axis `axis` (no bounds check beyond Array's; use with a valid axis).
    public subscript(axis: Int) -> Int {
        get { dimensions[axis] }
        set { dimensions[axis] = newValue }
    }

    /// The shape printed as `[1, 3, 224, 224]`.
    public var description: String {
        "[" + dimensions.map(String.init).joined(separator: ", ") + "]"
    }

    /// The most elements a tensor may hold (`Int32.max · 16`, 128 GiB of Float32).
    public static let maximumTensorElementCount = Int(Int32.max) * 16

    /// Checks that a tensor of this shape can be created: `checkedElementCount(for:)`, and at
    /// most `maximumTensorElementCount` elements.
    /// - Throws: `TensorError.invalidShape` naming `operation` for a negative dimension or too
    ///   many elements; `TensorError.sizeOverflow` when the element count overflows `Int`.
    public func validated(for operation: String) throws(TensorError) -> Shape {
        let count = try checkedElementCount(for: operation)
        guard count <= Self.maximumTensorElementCount else {
            throw .invalidShape(
                operation: operation, shape: self,
                reason: "too many elements (\(count), at most \(Self.maximumTensorElementCount))")
        }
        return self
    }

    /// The axis index `axis` resolved against this rank (negative counts from the end).
    /// - Throws: `TensorError.axisOutOfRange` when it names no axis.
    public func resolvedAxis(_ axis: Int, for operation: String) throws(TensorError) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw .axisOutOfRange(operation: operation, axis: axis, shape: self)
        }
        return resolved
    }

    /// Splits the shape around `axis` into (elements before it, its size, elements after it),
    /// the view every along-an-axis kernel iterates over.
    func split(around axis: Int) -> (outer: Int, length: Int, inner: Int) {
        let outer = dimensions[..<axis].reduce(1, *)
        let inner = dimensions[(axis + 1)...].reduce(1, *)
        return (outer, dimensions[axis], inner)
    }
}
