// Concatenation along one axis: each input's blocks of (axis size × inner) floats are copied
// into place in the output, outer index by outer index. Splitting is its inverse (and the
// backward pass of concatenation): the same blocks copied out.

/// Joins tensors along `axis`; every other axis must match.
/// - Parameters:
///   - tensors: at least one tensor, all of the same rank.
///   - axis: the axis to join along (negative counts from the end); 1 joins NCHW channels.
/// - Returns: the shape of the inputs with `axis` the sum of their sizes along it.
/// - Throws: `TensorError` for an empty list, an axis out of range, or other axes that differ.
public func concatenate(_ tensors: [Tensor], alongAxis axis: Int) throws(TensorError) -> Tensor {
    guard let first = tensors.first else {
        throw .invalidArgument(operation: "concatenate", message: "needs at least one tensor")
    }
    let axis = try first.shape.resolvedAxis(axis, for: "concatenate")
    var dimensions = first.shape.dimensions
    dimensions[axis] = 0
    for tensor in tensors {
        var expected = first.shape.dimensions
        expected[axis] = tensor.shape.rank == first.shape.rank ? tensor.shape[axis] : -1
        guard tensor.shape.dimensions == expected else {
            throw .shapeMismatch(
                operation: "concatenate", expected: "\(first.shape) on every axis but \(axis)", actual: tensor.shape)
        }
        dimensions[axis] += tensor.shape[axis]
    }
    let output = Tensor(uninitializedShape: Shape(dimensions))
    let (outer, total, inner) = output.shape.split(around: axis)
    var offset = 0
    for tensor in tensors {
        let block = tensor.shape[axis] * inner
        for index in 0..<outer {
            (output.storage.base + index * total * inner + offset).update(
                from: tensor.storage.base + index * block, count: block)
        }
        offset += block
    }
    return output
}

/// Splits `tensor` along `axis` into consecutive parts of the given sizes (the inverse of
/// `concatenate`, and its backward pass).
/// - Parameters:
///   - tensor: any tensor of rank >= 1.
///   - sizes: the parts' sizes along `axis`, each >= 0, summing to the tensor's size there.
///   - axis: the axis to split (negative counts from the end); 1 splits NCHW channels.
/// - Returns: one tensor per size, each the input's shape with `axis` set to its size.
/// - Throws: `TensorError` for an axis out of range, a negative size, or sizes that do not sum
///   to the axis's length.
public func split(_ tensor: Tensor, sizes: [Int], alongAxis axis: Int) throws(TensorError) -> [Tensor] {
    let axis = try tensor.shape.resolvedAxis(axis, for: "split")
    guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == tensor.shape[axis] else {
        throw .invalidArgument(
            operation: "split",
            message: "sizes \(sizes) must be >= 0 and sum to \(tensor.shape[axis]) (axis \(axis) of \(tensor.shape))")
    }
    let (outer, total, inner) = tensor.shape.split(around: axis)
    var offset = 0
    return sizes.map { size in
        var dimensions = tensor.shape.dimensions
        dimensions[axis] = size
        let part = Tensor(uninitializedShape: Shape(dimensions))
        let block = size * inner
        for index in 0..<outer {
            (part.storage.base + index * block).update(
                from: tensor.storage.base + index * total * inner + offset, count: block)
        }
        offset += block
        return part
    }
}
