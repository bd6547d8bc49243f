extension Tensor {
    /// The largest |self − other| over all elements (0 for empty tensors; NaN if either holds NaN).
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public func maximumAbsoluteDifference(to other: Tensor) throws(TensorError) -> Float {
        let difference = try zipped(with: other, operation: "maximumAbsoluteDifference(to:)") { Swift.abs($0 - $1) }
        return elementCount == 0 ? 0 : try difference.max()
    }

    /// Whether the shapes match and every pair of elements satisfies
    /// |a − b| <= absoluteTolerance + relativeTolerance·|b| (numpy's `allclose`).
    /// NaN never compares equal.
    public func isApproximatelyEqual(
        to other: Tensor, absoluteTolerance: Float = 1e-5, relativeTolerance: Float = 1e-4
    ) -> Bool {
        guard shape == other.shape else { return false }
        for index in 0..<elementCount {
            let a = storage.base[index], b = other.storage.base[index]
            guard Swift.abs(a - b) <= absoluteTolerance + relativeTolerance * Swift.abs(b) else { return false }
        }
        return true
    }
}
