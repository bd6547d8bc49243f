extension Tensor {
    /// The sum of all elements (0 for an empty tensor).
    public func sum() -> Float {
        Kernels.table.sum(storage.base, storage.count)
    }

    /// The mean of all elements.
    /// - Throws: `TensorError.invalidShape` for an empty tensor.
    public func mean() throws(TensorError) -> Float {
        guard elementCount > 0 else {
            throw .invalidShape(operation: "mean()", shape: shape, reason: "tensor is empty")
        }
        return sum() / Float(elementCount)
    }

    /// The largest element (NaN if any element is NaN).
    /// - Throws: `TensorError.invalidShape` for an empty tensor.
    public func max() throws(TensorError) -> Float {
        guard elementCount > 0 else { throw .invalidShape(operation: "max()", shape: shape, reason: "tensor is empty") }
        var best = storage.base[0]
        for index in 1..<elementCount where storage.base[index] > best || storage.base[index].isNaN {
            best = storage.base[index]
            if best.isNaN { break }
        }
        return best
    }

    /// Reduces `axis` away, combining each line of values along it with `reduce`.
    /// `reduce` receives a pointer to the first value, the line length and the stride between values.
    func reduced(
        alongAxis axis: Int, operation: String, requireNonEmpty: Bool,
        _ reduce: (UnsafePointer<Float>, Int, Int) -> Float
    ) throws(TensorError) -> Tensor {
        let axis = try shape.resolvedAxis(axis, for: operation)
        let (outer, length, inner) = shape.split(around: axis)
        if requireNonEmpty && length == 0 {
            throw .invalidShape(operation: operation, shape: shape, reason: "axis \(axis) is empty")
        }
        var dimensions = shape.dimensions
        dimensions.remove(at: axis)
        let result = Tensor(uninitializedShape: Shape(dimensions))
        for o in 0..<outer {
            for i in 0..<inner {
                result.storage.base[o * inner + i] = reduce(storage.base + o * length * inner + i, length, inner)
            }
        }
        return result
    }

    /// Sums along `axis` (negative counts from the end), removing that axis.
    /// - Throws: `TensorError.axisOutOfRange`.
    public func sum(alongAxis axis: Int) throws(TensorError) -> Tensor {
        try reduced(alongAxis: axis, operation: "sum(alongAxis:)", requireNonEmpty: false) { line, length, stride in
            (0..<length).reduce(0) { $0 + line[$1 * stride] }
        }
    }

    /// Means along `axis` (negative counts from the end), removing that axis.
    /// - Throws: `TensorError.axisOutOfRange`, or `.invalidShape` when the axis is empty.
    public func mean(alongAxis axis: Int) throws(TensorError) -> Tensor {
        try reduced(alongAxis: axis, operation: "mean(alongAxis:)", requireNonEmpty: true) { line, length, stride in
            (0..<length).reduce(0) { $0 + line[$1 * stride] } / Float(length)
        }
    }

    /// Maxima along `axis` (negative counts from the end), removing that axis.
    /// - Throws: `TensorError.axisOutOfRange`, or `.invalidShape` when the axis is empty.
    public func max(alongAxis axis: Int) throws(TensorError) -> Tensor {
        try reduced(alongAxis: axis, operation: "max(alongAxis:)", requireNonEmpty: true) { line, length, stride in
            line[Self.indexOfMaximum(line, length, stride) * stride]
        }
    }

    /// The index of the largest value along `axis` for every position of the other axes,
    /// in row-major order of the remaining axes (ties: the first index).
    /// - Throws: `TensorError.axisOutOfRange`, or `.invalidShape` when the axis is empty.
    public func argmax(alongAxis axis: Int) throws(TensorError) -> [Int] {
        try reduced(alongAxis: axis, operation: "argmax(alongAxis:)", requireNonEmpty: true) { line, length, stride in
            Float(Self.indexOfMaximum(line, length, stride))
        }.scalars.map { Int($0) }
    }

    /// Position of the first maximum in a strided line; a NaN wins, as in PyTorch.
    static func indexOfMaximum(_ line: UnsafePointer<Float>, _ length: Int, _ stride: Int) -> Int {
        var best = 0
        for index in 1..<Swift.max(length, 1) {
            let value = line[index * stride]
            if value.isNaN { return index }
            if value > line[best * stride] { best = index }
        }
        return best
    }
}
