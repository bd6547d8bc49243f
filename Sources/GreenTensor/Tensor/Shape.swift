/// The dimensions of a tensor, outermost first (row-major; images are `[N, C, H, W]`).
///
/// A shape is a plain value: it may hold any integers, and the operations that
/// create storage from it (`Tensor.zeros(_:)`, …) reject negative dimensions
/// with a `TensorError`.
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
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// The size of axis `axis` (no bounds check beyond Array's; use with a valid axis).
    public subscript(axis: Int) -> Int {
        get { dimensions[axis] }
        set { dimensions[axis] = newValue }
    }

    /// The shape printed as `[1, 3, 224, 224]`.
    public var description: String {
        "[" + dimensions.map(String.init).joined(separator: ", ") + "]"
    }

    /// Checks that every dimension is non-negative and the element count fits in memory terms.
    /// - Throws: `TensorError.invalidShape` naming `operation`.
    public func validated(for operation: String) throws(TensorError) -> Shape {
        var count = 1
        for dimension in dimensions {
            guard dimension >= 0 else {
                throw .invalidShape(operation: operation, shape: self, reason: "dimensions must be non-negative")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= Int(Int32.max) * 16 else {
                throw .invalidShape(operation: operation, shape: self, reason: "too many elements")
            }
            count = product
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
