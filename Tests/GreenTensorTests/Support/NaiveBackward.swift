// Independent references for the backward kernels: the adjoints written out as nested loops
// over every (output, tap) pair, sharing no code with the kernels. Sums run in Double.
@testable import GreenTensor

extension Naive {
    /// The gradients of the direct grouped convolution: for every output position and tap that
    /// reads an input cell, `dW += dY·x`, `dX += dY·w`; `db = Σ dY`.
    static func conv2dBackward(
        _ outputGradient: Tensor, input: Tensor, weight: Tensor, stride: Size2D, padding: Size2D, dilation: Size2D,
        groups: Int
    ) -> (input: Tensor, weight: Tensor, bias: Tensor) {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (o, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let (oh, ow) = (outputGradient.shape[2], outputGradient.shape[3])
        let x = input.scalars, k = weight.scalars, dy = outputGradient.scalars
        var dx = [Double](repeating: 0, count: x.count), dk = [Double](repeating: 0, count: k.count)
        var db = [Double](repeating: 0, count: o)
        let og = o / groups
        for image in 0..<n {
            for out in 0..<o {
                let group = out / og
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let g = Double(dy[((image * o + out) * oh + oy) * ow + ox])
                        db[out] += g
                        for ci in 0..<cg {
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let iy = oy * stride.height - padding.height + ky * dilation.height
                                    let ix = ox * stride.width - padding.width + kx * dilation.width
                                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                    let at = ((image * c + group * cg + ci) * h + iy) * w + ix
                                    let tap = ((out * cg + ci) * kh + ky) * kw + kx
                                    dk[tap] += g * Double(x[at])
                                    dx[at] += g * Double(k[tap])
                                }
                            }
                        }
                    }
                }
            }
        }
        return (
            try! Tensor(shape: input.shape, scalars: dx.map { Float($0) }),
            try! Tensor(shape: weight.shape, scalars: dk.map { Float($0) }),
            try! Tensor(shape: [o], scalars: db.map { Float($0) })
        )
    }

    /// The input gradient of max pooling: each output gradient added to the first in-bounds
    /// cell holding its window's maximum (row-major window order).
    static func maxPoolBackward(
        _ outputGradient: Tensor, input: Tensor, kernel: Size2D, stride: Size2D, padding: Size2D, dilation: Size2D
    ) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (oh, ow) = (outputGradient.shape[2], outputGradient.shape[3])
        let x = input.scalars, dy = outputGradient.scalars
        var dx = [Float](repeating: 0, count: x.count)
        for plane in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best: (value: Float, at: Int)?
                    for ky in 0..<kernel.height {
                        for kx in 0..<kernel.width {
                            let iy = oy * stride.height - padding.height + ky * dilation.height
                            let ix = ox * stride.width - padding.width + kx * dilation.width
                            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                            let at = (plane * h + iy) * w + ix
                            if best == nil || x[at] > best!.value { best = (x[at], at) }
                        }
                    }
                    if let best { dx[best.at] += dy[(plane * oh + oy) * ow + ox] }
                }
            }
        }
        return try! Tensor(shape: input.shape, scalars: dx)
    }

    /// The input gradient of average pooling: each output gradient divided by the forward
    /// divisor (padded-window or in-bounds cell count) and added to every in-bounds cell.
    static func averagePoolBackward(
        _ outputGradient: Tensor, inputShape: Shape, kernel: Size2D, stride: Size2D, padding: Size2D,
        countIncludesPadding: Bool
    ) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (oh, ow) = (outputGradient.shape[2], outputGradient.shape[3])
        let dy = outputGradient.scalars
        var dx = [Float](repeating: 0, count: inputShape.elementCount)
        for plane in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var cells: [Int] = [], padded = 0
                    for ky in 0..<kernel.height {
                        for kx in 0..<kernel.width {
                            let iy = oy * stride.height - padding.height + ky
                            let ix = ox * stride.width - padding.width + kx
                            if iy >= -padding.height, iy < h + padding.height, ix >= -padding.width,
                                ix < w + padding.width
                            {
                                padded += 1
                            }
                            if iy >= 0, iy < h, ix >= 0, ix < w { cells.append((plane * h + iy) * w + ix) }
                        }
                    }
                    let share = dy[(plane * oh + oy) * ow + ox] / Float(countIncludesPadding ? padded : cells.count)
                    for cell in cells { dx[cell] += share }
                }
            }
        }
        return try! Tensor(shape: inputShape, scalars: dx)
    }
}
