// Independent references: straightforward nested loops over plain arrays, written from
// the definitions, sharing no code with the kernels they check.
@testable import GreenTensor

/// Plain-loop references for every kernel GreenTensor provides.
enum Naive {
    /// C = alpha·op(A)·op(B) + beta·C on row-major arrays with leading dimensions.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int
    ) -> [Float] {
        var result = c
        for i in 0..<m {
            for j in 0..<n {
                var total: Double = 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    total += Double(x) * Double(y)
                }
                result[i * ldc + j] = alpha * Float(total) + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
        return result
    }

    /// Output size of one axis of a sliding window.
    static func outputSize(_ input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int {
        (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
    }

    /// A stride-1 ungrouped `conv2d` plus `bias`, each output clamped to [`lower`, `upper`] (ReLU:
    /// 0 and +∞, ReLU6: 0 and 6): what the fast paths compute with an activation in their store.
    static func clampedConv2d(
        _ input: Tensor, weight: Tensor, bias: Tensor?, padding: Size2D, lower: Float = 0, upper: Float = .infinity
    ) -> [Float] {
        conv2d(input, weight: weight, bias: bias, stride: 1, padding: padding, dilation: 1, groups: 1).scalars.map {
            Swift.min(Swift.max($0, lower), upper)
        }
    }

    /// Direct grouped convolution, NCHW, weight [O, C/groups, kH, kW].
    static func conv2d(
        _ input: Tensor, weight: Tensor, bias: Tensor?, stride: Size2D, padding: Size2D, dilation: Size2D,
        groups: Int
    ) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (o, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let oh = outputSize(h, kernel: kh, stride: stride.height, padding: padding.height, dilation: dilation.height)
        let ow = outputSize(w, kernel: kw, stride: stride.width, padding: padding.width, dilation: dilation.width)
        let x = input.scalars, k = weight.scalars, b = bias?.scalars
        var y = [Float](repeating: 0, count: n * o * oh * ow)
        let og = o / groups
        for image in 0..<n {
            for out in 0..<o {
                let group = out / og
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var total: Double = b.map { Double($0[out]) } ?? 0
                        for ci in 0..<cg {
                            let channel = group * cg + ci
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let iy = oy * stride.height - padding.height + ky * dilation.height
                                    let ix = ox * stride.width - padding.width + kx * dilation.width
                                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                    total +=
                                        Double(x[((image * c + channel) * h + iy) * w + ix])
                                        * Double(k[((out * cg + ci) * kh + ky) * kw + kx])
                                }
                            }
                        }
                        y[((image * o + out) * oh + oy) * ow + ox] = Float(total)
                    }
                }
            }
        }
        return try! Tensor(shape: [n, o, oh, ow], scalars: y)
    }

    /// Pooling by definition: max over in-bounds cells, or the mean with the chosen divisor.
    static func pool(
        _ input: Tensor, kernel: Size2D, stride: Size2D, padding: Size2D, dilation: Size2D, average: Bool,
        countIncludesPadding: Bool
    ) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let oh = outputSize(
            h, kernel: kernel.height, stride: stride.height, padding: padding.height, dilation: dilation.height)
        let ow = outputSize(
            w, kernel: kernel.width, stride: stride.width, padding: padding.width, dilation: dilation.width)
        let x = input.scalars
        var y = [Float](repeating: 0, count: n * c * oh * ow)
        for plane in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity, total: Float = 0, inside = 0, padded = 0
                    for ky in 0..<kernel.height {
                        for kx in 0..<kernel.width {
                            let iy = oy * stride.height - padding.height + ky * dilation.height
                            let ix = ox * stride.width - padding.width + kx * dilation.width
                            if iy >= -padding.height, iy < h + padding.height, ix >= -padding.width,
                                ix < w + padding.width
                            {
                                padded += 1
                            }
                            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                            let value = x[(plane * h + iy) * w + ix]
                            best = Swift.max(best, value)
                            total += value
                            inside += 1
                        }
                    }
                    y[(plane * oh + oy) * ow + ox] =
                        average ? total / Float(countIncludesPadding ? padded : inside) : best
                }
            }
        }
        return try! Tensor(shape: [n, c, oh, ow], scalars: y)
    }
}

/// A seeded random tensor with values in [-1, 1).
func randomTensor(_ shape: Shape, seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return try! Tensor.uniform(shape, in: -1..<1, using: &generator)
}
