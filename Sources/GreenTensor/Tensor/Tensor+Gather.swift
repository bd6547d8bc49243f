extension Tensor {
    /// The slices at `indices` along the first axis, in that order, as one tensor (PyTorch's
    /// `index_select(0, indices)`): a mini-batch gathered from a data set.
    ///
    /// `[N, d1, …]` gathered at k indices gives `[k, d1, …]`; an index may repeat.
    /// - Throws: `TensorError.invalidShape` for a rank-0 tensor, `.indexOutOfRange` for an
    ///   index outside `0..<N`.
    public func gathered(at indices: some Collection<Int>) throws(TensorError) -> Tensor {
        guard shape.rank >= 1 else {
            throw .invalidShape(operation: "gathered(at:)", shape: shape, reason: "needs rank >= 1")
        }
        var dimensions = shape.dimensions
        dimensions[0] = indices.count
        let slice = shape.dimensions.dropFirst().reduce(1, *)
        for index in indices where index < 0 || index >= shape[0] {
            throw .indexOutOfRange(operation: "gathered(at:)", index: [index], shape: shape)
        }
        let result = Tensor(uninitializedShape: Shape(dimensions))
        for (position, index) in indices.enumerated() {
            (result.storage.base + position * slice).update(from: storage.base + index * slice, count: slice)
        }
        return result
    }
}
