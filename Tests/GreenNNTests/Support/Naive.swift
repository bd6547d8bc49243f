// Independent references for the GreenNN layers: nested loops over plain arrays, written
// from the definitions (PyTorch's documented semantics), sharing no code with the kernels,
// the window geometry or the cost model they check. Sums run in Double.
import Foundation
import GreenNN

/// Plain-loop references for every layer GreenNN provides.
enum Naive {
    /// One axis of a sliding window: `(in + 2p − d·(k − 1) − 1) / s + 1`, rounded down, or
    /// up with `ceilMode` (dropping a last window that would start in the right padding).
    static func outputSize(
        _ input: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false
    ) -> Int {
        let span = input + 2 * padding - dilation * (kernel - 1) - 1
        guard ceilMode else { return span / stride + 1 }
        var size = (span + stride - 1) / stride + 1
        if (size - 1) * stride >= input + padding { size -= 1 }
        return size
    }

    /// Direct grouped convolution (cross-correlation), NCHW, weight `[O, C/groups, kH, kW]`.
    static func conv2d(
        _ input: Tensor, weight: Tensor, bias: Tensor?, stride: Size2D = 1, padding: Size2D = 0,
        dilation: Size2D = 1, groups: Int = 1
    ) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (o, perGroup, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        precondition(perGroup * groups == c, "reference: weight does not match the input channels")
        let oh = outputSize(h, kernel: kh, stride: stride.height, padding: padding.height, dilation: dilation.height)
        let ow = outputSize(w, kernel: kw, stride: stride.width, padding: padding.width, dilation: dilation.width)
        let x = input.scalars, k = weight.scalars, b = bias?.scalars
        let outputsPerGroup = o / groups
        var y = [Float](repeating: 0, count: n * o * oh * ow)
        for image in 0..<n {
            for out in 0..<o {
                let firstChannel = (out / outputsPerGroup) * perGroup
                for row in 0..<oh {
                    for column in 0..<ow {
                        var total = Double(b?[out] ?? 0)
                        for channel in 0..<perGroup {
                            for ky in 0..<kh {
                                let iy = row * stride.height - padding.height + ky * dilation.height
                                if iy < 0 || iy >= h { continue }
                                for kx in 0..<kw {
                                    let ix = column * stride.width - padding.width + kx * dilation.width
                                    if ix < 0 || ix >= w { continue }
                                    let pixel = x[((image * c + firstChannel + channel) * h + iy) * w + ix]
                                    let tap = k[((out * perGroup + channel) * kh + ky) * kw + kx]
                                    total += Double(pixel) * Double(tap)
                                }
                            }
                        }
                        y[((image * o + out) * oh + row) * ow + column] = Float(total)
                    }
                }
            }
        }
        return tensor([n, o, oh, ow], y)
    }

    /// `y[n, j] = b[j] + Σ_i x[n, i]·W[j, i]`, weight `[out, in]`.
    static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let (n, inputs, outputs) = (input.shape[0], input.shape[1], weight.shape[0])
        let x = input.scalars, w = weight.scalars, b = bias?.scalars
        var y = [Float](repeating: 0, count: n * outputs)
        for row in 0..<n {
            for out in 0..<outputs {
                var total = Double(b?[out] ?? 0)
                for i in 0..<inputs { total += Double(x[row * inputs + i]) * Double(w[out * inputs + i]) }
                y[row * outputs + out] = Float(total)
            }
        }
        return tensor([n, outputs], y)
    }

    /// The matrix product `a [m, k] · b [k, n]`.
    static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        let x = a.scalars, y = b.scalars
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var total: Double = 0
                for p in 0..<k { total += Double(x[i * k + p]) * Double(y[p * n + j]) }
                c[i * n + j] = Float(total)
            }
        }
        return tensor([m, n], c)
    }

    /// `y = (x − mean[c]) / √(variance[c] + ε) · γ[c] + β[c]` for every element of channel c.
    static func batchNorm(
        _ input: Tensor, mean: [Float], variance: [Float], gamma: [Float], beta: [Float], epsilon: Float
    ) -> Tensor {
        let (n, c) = (input.shape[0], input.shape[1])
        let plane = input.elementCount / max(n * c, 1)
        var y = input.scalars
        for image in 0..<n {
            for channel in 0..<c {
                let deviation = (Double(variance[channel]) + Double(epsilon)).squareRoot()
                for index in 0..<plane {
                    let at = (image * c + channel) * plane + index
                    y[at] = Float(
                        (Double(y[at]) - Double(mean[channel])) / deviation * Double(gamma[channel])
                            + Double(beta[channel]))
                }
            }
        }
        return tensor(input.shape, y)
    }

    /// Per-channel mean, biased variance (divide by m) and unbiased variance (divide by m − 1)
    /// over the N·H·W values of each channel, by two passes.
    static func channelStatistics(_ input: Tensor) -> (mean: [Float], biased: [Float], unbiased: [Float]) {
        let (n, c) = (input.shape[0], input.shape[1])
        let plane = input.elementCount / (n * c)
        let x = input.scalars
        var mean: [Float] = [], biased: [Float] = [], unbiased: [Float] = []
        for channel in 0..<c {
            var values: [Double] = []
            for image in 0..<n {
                for index in 0..<plane { values.append(Double(x[(image * c + channel) * plane + index])) }
            }
            let average = values.reduce(0, +) / Double(values.count)
            let squares = values.reduce(0) { $0 + ($1 - average) * ($1 - average) }
            mean.append(Float(average))
            biased.append(Float(squares / Double(values.count)))
            unbiased.append(Float(squares / Double(values.count - 1)))
        }
        return (mean, biased, unbiased)
    }

    /// Max or average pooling by definition. Max ignores cells outside the input; the mean
    /// divides by the window cells inside the zero-padded input (`countIncludesPadding`,
    /// PyTorch's rule, also in ceil mode) or by the cells inside the input.
    static func pool(
        _ input: Tensor, kernel: Size2D, stride: Size2D, padding: Size2D = 0, dilation: Size2D = 1,
        ceilMode: Bool = false, average: Bool, countIncludesPadding: Bool = true
    ) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let oh = outputSize(
            h, kernel: kernel.height, stride: stride.height, padding: padding.height, dilation: dilation.height,
            ceilMode: ceilMode)
        let ow = outputSize(
            w, kernel: kernel.width, stride: stride.width, padding: padding.width, dilation: dilation.width,
            ceilMode: ceilMode)
        let x = input.scalars
        var y = [Float](repeating: 0, count: n * c * oh * ow)
        for plane in 0..<(n * c) {
            for row in 0..<oh {
                for column in 0..<ow {
                    var best = -Float.infinity, total: Double = 0, inside = 0, inPadded = 0
                    for ky in 0..<kernel.height {
                        for kx in 0..<kernel.width {
                            let iy = row * stride.height - padding.height + ky * dilation.height
                            let ix = column * stride.width - padding.width + kx * dilation.width
                            if iy < h + padding.height && ix < w + padding.width { inPadded += 1 }
                            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                            let value = x[(plane * h + iy) * w + ix]
                            best = max(best, value)
                            total += Double(value)
                            inside += 1
                        }
                    }
                    y[(plane * oh + row) * ow + column] =
                        average ? Float(total / Double(countIncludesPadding ? inPadded : inside)) : best
                }
            }
        }
        return tensor([n, c, oh, ow], y)
    }

    /// Adaptive average pooling: cell (i, j) is the mean of rows `⌊i·H/H'⌋ ..< ⌈(i+1)·H/H'⌉`
    /// and the matching columns.
    static func adaptiveAvgPool(_ input: Tensor, height oh: Int, width ow: Int) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        func window(_ index: Int, _ inputSize: Int, _ outputSize: Int) -> Range<Int> {
            let start = Int((Double(index * inputSize) / Double(outputSize)).rounded(.down))
            let end = Int((Double((index + 1) * inputSize) / Double(outputSize)).rounded(.up))
            return start..<end
        }
        let x = input.scalars
        var y = [Float](repeating: 0, count: n * c * oh * ow)
        for plane in 0..<(n * c) {
            for row in 0..<oh {
                for column in 0..<ow {
                    var total: Double = 0, count = 0
                    for iy in window(row, h, oh) {
                        for ix in window(column, w, ow) {
                            total += Double(x[(plane * h + iy) * w + ix])
                            count += 1
                        }
                    }
                    y[(plane * oh + row) * ow + column] = Float(total / Double(count))
                }
            }
        }
        return tensor([n, c, oh, ow], y)
    }

    /// `max(x, 0)`.
    static func relu(_ input: Tensor) -> Tensor { tensor(input.shape, input.scalars.map { $0 > 0 ? $0 : 0 }) }

    /// `min(max(x, 0), 6)`.
    static func relu6(_ input: Tensor) -> Tensor {
        tensor(input.shape, input.scalars.map { $0 < 0 ? 0 : ($0 > 6 ? 6 : $0) })
    }

    /// The activation `activation` computes, or the identity for nil.
    static func activate(_ input: Tensor, _ activation: Activation?) -> Tensor {
        switch activation {
        case .relu: relu(input)
        case .relu6: relu6(input)
        case nil: input
        }
    }

    /// Softmax of each row of `[N, K]`: `exp(x − max) / Σ exp(x − max)`.
    static func softmax(_ input: Tensor) -> Tensor {
        let (n, k) = (input.shape[0], input.shape[1])
        let x = input.scalars
        var y = x
        for row in 0..<n {
            let values = x[(row * k)..<((row + 1) * k)].map(Double.init)
            let largest = values.max()!
            let exponentials = values.map { exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            for j in 0..<k { y[row * k + j] = Float(exponentials[j] / total) }
        }
        return tensor(input.shape, y)
    }

    /// `[N, Cᵢ, H, W]` tensors stacked along the channel axis.
    static func concatenateChannels(_ parts: [Tensor]) -> Tensor {
        let (n, h, w) = (parts[0].shape[0], parts[0].shape[2], parts[0].shape[3])
        var y: [Float] = []
        for image in 0..<n {
            for part in parts {
                let block = part.shape[1] * h * w
                y += part.scalars[(image * block)..<((image + 1) * block)]
            }
        }
        return tensor([n, parts.reduce(0) { $0 + $1.shape[1] }, h, w], y)
    }

    /// A tensor from a shape and scalars the reference built itself.
    static func tensor(_ shape: Shape, _ scalars: [Float]) -> Tensor {
        try! Tensor(shape: shape, scalars: scalars)
    }
}

/// A seeded random tensor with values in `range` (default [-1, 1)).
func randomTensor(_ shape: Shape, seed: UInt64, in range: Range<Float> = -1..<1) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return try! Tensor.uniform(shape, in: range, using: &generator)
}

/// `0, 1, 2, …` laid out in `shape`: a hand-checkable ramp.
func rampTensor(_ shape: Shape, start: Float = 0) -> Tensor {
    try! Tensor(shape: shape, scalars: (0..<shape.elementCount).map { start + Float($0) })
}
