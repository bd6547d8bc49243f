/// Whole batches through one scale and zero point: floats to codes at a quantized plan's input and
/// after an opaque step, codes to floats at its output and before one.
extension QuantizationParameters {
    /// Quantizes each image of `tensor` (contiguous, `batch`'s shape) into `batch`.
    func quantize(_ tensor: Tensor, into batch: Int8Batch, instructionSet: Int8InstructionSet) {
        tensor.withUnsafeBufferPointer { buffer in
            for image in 0..<batch.batch {
                int8Quantize(
                    buffer.baseAddress! + image * batch.imageSize, count: batch.imageSize, inverseScale: 1 / scale,
                    zeroPoint: zeroPoint, into: batch.image(image), instructionSet: instructionSet)
            }
        }
    }

    /// Dequantizes each image of `batch` into `tensor` (contiguous, `batch`'s shape).
    func dequantize(_ batch: Int8Batch, into tensor: inout Tensor, instructionSet: Int8InstructionSet) {
        tensor.withUnsafeMutableBufferPointer { buffer in
            for image in 0..<batch.batch {
                int8Dequantize(
                    batch.image(image), count: batch.imageSize, zeroPoint: zeroPoint, scale: scale,
                    into: buffer.baseAddress! + image * batch.imageSize, instructionSet: instructionSet)
            }
        }
    }
}
