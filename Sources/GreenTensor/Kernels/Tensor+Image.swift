extension Tensor {
    /// The four sizes of an NCHW batch, or an error naming `operation`.
    /// - Throws: `TensorError.invalidShape` unless the tensor has rank 4.
    public func imageDimensions(
        for operation: String
    ) throws(TensorError) -> (
        batch: Int, channels: Int, height: Int, width: Int
    ) {
        guard shape.rank == 4 else {
            throw .shapeMismatch(operation: operation, expected: "input [N, C, H, W]", actual: shape)
        }
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// Checks that `bias`, when present, is a vector of `channels` values.
    static func checkBias(_ bias: Tensor?, channels: Int, for operation: String) throws(TensorError) {
        if let bias, bias.shape != [channels] {
            throw .shapeMismatch(operation: operation, expected: "bias [\(channels)]", actual: bias.shape)
        }
    }
}
