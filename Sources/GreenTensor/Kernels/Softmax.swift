// Softmax and log-softmax along one axis: y_i = exp(x_i − m) / Σ_j exp(x_j − m), m = max_j x_j,
// so the largest exponent is 0 and nothing overflows. Input and output share the shape.
import Foundation

extension Tensor {
    /// Applies `transform` to every line along `axis`; `transform` gets the input line, the
    /// output line, the line length and the stride between values.
    private func mappedLines(
        alongAxis axis: Int, operation: String,
        _ transform: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void
    ) throws(TensorError) -> Tensor {
        let axis = try shape.resolvedAxis(axis, for: operation)
        let (outer, length, inner) = shape.split(around: axis)
        let result = Tensor(uninitializedShape: shape)
        for o in 0..<outer {
            for i in 0..<inner {
                let offset = o * length * inner + i
                transform(storage.base + offset, result.storage.base + offset, length, inner)
            }
        }
        return result
    }

    /// Softmax along `axis` (negative counts from the end): each line sums to 1.
    /// - Throws: `TensorError.axisOutOfRange`.
    public func softmax(alongAxis axis: Int) throws(TensorError) -> Tensor {
        try mappedLines(alongAxis: axis, operation: "softmax(alongAxis:)") { input, output, length, stride in
            guard length > 0 else { return }
            let maximum = input[Self.indexOfMaximum(input, length, stride) * stride]
            var total: Float = 0
            for index in 0..<length {
                let value = exp(input[index * stride] - maximum)
                output[index * stride] = value
                total += value
            }
            for index in 0..<length { output[index * stride] /= total }
        }
    }

    /// Log-softmax along `axis`: x_i − m − log Σ_j exp(x_j − m), stable for large logits.
    /// - Throws: `TensorError.axisOutOfRange`.
    public func logSoftmax(alongAxis axis: Int) throws(TensorError) -> Tensor {
        try mappedLines(alongAxis: axis, operation: "logSoftmax(alongAxis:)") { input, output, length, stride in
            guard length > 0 else { return }
            let maximum = input[Self.indexOfMaximum(input, length, stride) * stride]
            var total: Float = 0
            for index in 0..<length { total += exp(input[index * stride] - maximum) }
            let logTotal = maximum + log(total)
            for index in 0..<length { output[index * stride] = input[index * stride] - logTotal }
        }
    }
}
