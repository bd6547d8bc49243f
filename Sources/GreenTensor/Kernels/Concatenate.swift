// Concatenation along one axis: each input's blocks of (axis size × inner) floats are copied
// into place in the output, outer index by outer index.

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
            (output.storage.base + index * total * inner + offset).update(from: tensor.storage.base + index * block, count: block)
        }
        offset += block
    }
    return output
}
