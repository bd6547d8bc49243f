/// A dense, row-major array of Float32 values with value semantics.
///
/// Copies share storage until one of them is written to (copy-on-write). Images
/// are `[N, C, H, W]`. Every operation that can meet bad input throws `TensorError`.
///
/// ```swift
/// var x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let y = x * 2                      // [[2, 4, 6], [8, 10, 12]]
/// try x.setElement(0, at: [1, 2])
/// let rows = try x.sum(alongAxis: 1) // [6, 9]
/// ```
public struct Tensor: Sendable {
    /// The tensor's dimensions.
    public let shape: Shape
    var storage: TensorStorage

    /// Wraps existing storage; `shape.elementCount` must equal `storage.count`.
    init(shape: Shape, storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    /// A tensor whose elements the caller writes before anyone reads them.
    /// For kernels that overwrite every element; the shape must already have passed
    /// `Shape.validated(for:)` (this uses the unchecked `elementCount`).
    package init(uninitializedShape shape: Shape) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: shape.elementCount))
    }

    /// Creates a tensor from row-major scalars.
    /// - Throws: `TensorError` when the shape is invalid (a negative dimension, too many elements,
    ///   `.sizeOverflow`) or `scalars.count` differs from its element count.
    public init(shape: Shape, scalars: [Float]) throws(TensorError) {
        let shape = try shape.validated(for: "Tensor(shape:scalars:)")
        guard scalars.count == shape.elementCount else {
            throw .elementCountMismatch(operation: "Tensor(shape:scalars:)", shape: shape, count: scalars.count)
        }
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { source in
            if let address = source.baseAddress { storage.base.update(from: address, count: source.count) }
        }
    }

    /// A rank-1 tensor of `values` (a valid shape by construction).
    init(vector values: [Float]) {
        self.init(uninitializedShape: [values.count])
        values.withUnsafeBufferPointer { source in
            if let address = source.baseAddress { storage.base.update(from: address, count: source.count) }
        }
    }

    /// A rank-0 tensor holding one value.
    public init(_ value: Float) {
        self.init(uninitializedShape: [])
        storage.base.initialize(to: value)
    }

    /// The number of elements (the product of the dimensions).
    public var elementCount: Int { storage.count }

    /// The elements in row-major order, copied into an array.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// Calls `body` with read-only access to the elements in row-major order.
    /// The pointer must not escape `body`.
    public func withUnsafeBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<Float>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// Calls `body` with write access to the elements, first copying the storage if
    /// another tensor shares it. The pointer must not escape `body`.
    public mutating func withUnsafeMutableBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        if !isKnownUniquelyReferenced(&storage) {
            storage = TensorStorage(copying: storage)
        }
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
    }

    /// The same elements viewed with another shape of equal element count (no copy).
    /// - Throws: `TensorError.elementCountMismatch` when the counts differ.
    public func reshaped(to newShape: Shape) throws(TensorError) -> Tensor {
        let newShape = try newShape.validated(for: "reshaped(to:)")
        guard newShape.elementCount == elementCount else {
            throw .elementCountMismatch(operation: "reshaped(to:) from \(shape)", shape: newShape, count: elementCount)
        }
        return Tensor(shape: newShape, storage: storage)
    }

    /// The row-major offset of a full index, or an error naming `operation`.
    private func offset(of index: [Int], for operation: String) throws(TensorError) -> Int {
        guard index.count == shape.rank else {
            throw .indexOutOfRange(operation: operation, index: index, shape: shape)
        }
        var offset = 0
        for (axis, position) in index.enumerated() {
            guard position >= 0, position < shape[axis] else {
                throw .indexOutOfRange(operation: operation, index: index, shape: shape)
            }
            offset = offset * shape[axis] + position
        }
        return offset
    }

    /// The element at a full index (one position per axis).
    /// - Throws: `TensorError.indexOutOfRange` for a wrong rank or a position outside its axis.
    public func element(at index: [Int]) throws(TensorError) -> Float {
        storage.base[try offset(of: index, for: "element(at:)")]
    }

    /// Replaces the element at a full index (one position per axis).
    /// - Throws: `TensorError.indexOutOfRange` for a wrong rank or a position outside its axis.
    public mutating func setElement(_ value: Float, at index: [Int]) throws(TensorError) {
        let position = try offset(of: index, for: "setElement(_:at:)")
        withUnsafeMutableBufferPointer { $0[position] = value }
    }
}

extension Tensor: CustomStringConvertible {
    /// `Tensor([2, 3], [1.0, 2.0, …])`, eliding the middle of long tensors.
    public var description: String {
        let values = scalars
        let shown =
            values.count <= 12
            ? values.map { "\($0)" }
            : values.prefix(6).map { "\($0)" } + ["…"] + values.suffix(3).map { "\($0)" }
        return "Tensor(\(shape), [\(shown.joined(separator: ", "))])"
    }
}
