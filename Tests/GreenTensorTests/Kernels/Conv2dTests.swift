import Testing

@testable import GreenTensor

/// im2col + GEMM convolution against the direct loops of `Naive.conv2d` (in Double).
/// Tolerance 1e-5 relative for reductions up to 75 products of values in [-1, 1], 1e-4 for the
/// 784-product case (Float32 accumulation error grows with the reduction length).
@Suite struct Conv2dTests {
    @Test(arguments: ConvolutionCase.sweep)
    func forwardMatchesNaiveReference(_ c: ConvolutionCase) throws {
        let input = randomTensor([c.batch, c.channels, c.height, c.width], seed: 1)
        let weight = randomTensor([c.outputChannels, c.channels / c.groups, c.kernel.height, c.kernel.width], seed: 2)
        let bias = c.bias ? randomTensor([c.outputChannels], seed: 3) : nil
        let output = try conv2d(
            input, weight: weight, bias: bias, stride: c.stride, padding: c.padding, dilation: c.dilation,
            groups: c.groups, workspace: Workspace())
        let expected = Naive.conv2d(
            input, weight: weight, bias: bias, stride: c.stride, padding: c.padding, dilation: c.dilation,
            groups: c.groups)
        let reduction = c.channels / c.groups * c.kernel.height * c.kernel.width
        expectClose(output, expected, tolerance: reduction > 100 ? 1e-4 : 1e-5, "\(c)")
    }

    @Test func pointwisePathMatchesIm2colPath() throws {
        let input = randomTensor([2, 8, 5, 7], seed: 4)
        let weight = randomTensor([3, 8, 1, 1], seed: 5)
        let fast = try conv2d(input, weight: weight)
        // 1x1 with dilation: still exact, but a separate path.
        let strided = try conv2d(input, weight: weight, dilation: 2)
        expectClose(
            fast, Naive.conv2d(input, weight: weight, bias: nil, stride: 1, padding: 0, dilation: 1, groups: 1),
            tolerance: 1e-5)
        expectClose(strided, fast, tolerance: 1e-6)
    }

    @Test func workspaceIsReusedAcrossCalls() throws {
        let workspace = Workspace()
        let input = randomTensor([1, 4, 10, 10], seed: 6)
        let weight = randomTensor([2, 4, 3, 3], seed: 7)
        let first = try conv2d(input, weight: weight, padding: 1, workspace: workspace)
        let size = workspace.count
        let second = try conv2d(input, weight: weight, padding: 1, workspace: workspace)
        #expect(workspace.count == size)
        #expect(first.scalars == second.scalars)
    }

    @Test func rejectsInvalidConfigurations() {
        let input = randomTensor([1, 6, 5, 5], seed: 1)
        expectTensorError(["conv2d", "groups (4)", "input channels (6)"]) {
            _ = try conv2d(input, weight: randomTensor([4, 1, 3, 3], seed: 2), groups: 4)
        }
        expectTensorError(["conv2d", "weight [O, 6, kH, kW]", "[4, 3, 3, 3]"]) {
            _ = try conv2d(input, weight: randomTensor([4, 3, 3, 3], seed: 2))
        }
        expectTensorError(["conv2d", "expected input [N, C, H, W], got [6, 5, 5]"]) {
            _ = try conv2d(randomTensor([6, 5, 5], seed: 1), weight: randomTensor([4, 6, 3, 3], seed: 2))
        }
        expectTensorError(["conv2d", "bias [4]", "[3]"]) {
            _ = try conv2d(input, weight: randomTensor([4, 6, 3, 3], seed: 2), bias: randomTensor([3], seed: 3))
        }
        expectTensorError(["conv2d", "kernel 7", "larger than the padded input 5x5"]) {
            _ = try conv2d(input, weight: randomTensor([4, 6, 7, 7], seed: 2))
        }
        expectTensorError(["conv2d", "stride", ">= 1"]) {
            _ = try conv2d(input, weight: randomTensor([4, 6, 3, 3], seed: 2), stride: 0)
        }
        expectTensorError(["conv2d", "padding must be >= 0"]) {
            _ = try conv2d(input, weight: randomTensor([4, 6, 3, 3], seed: 2), padding: -1)
        }
    }
}

@Suite struct Im2colTests {
    @Test(arguments: ConvolutionCase.sweep.filter { $0.groups == 1 })
    func columnsHoldEachWindow(_ c: ConvolutionCase) throws {
        let image = randomTensor([c.channels, c.height, c.width], seed: 8)
        let geometry = try WindowGeometry(
            input: Size2D(height: c.height, width: c.width), kernel: c.kernel, stride: c.stride, padding: c.padding,
            dilation: c.dilation)
        let columns = try im2col(image, geometry: geometry)
        #expect(columns.shape == [c.channels * geometry.taps, geometry.outputPositions])
        let values = columns.scalars, pixels = image.scalars
        for channel in 0..<c.channels {
            for ky in 0..<c.kernel.height {
                for kx in 0..<c.kernel.width {
                    let row = (channel * c.kernel.height + ky) * c.kernel.width + kx
                    for oy in 0..<geometry.output.height {
                        for ox in 0..<geometry.output.width {
                            let iy = oy * c.stride.height - c.padding.height + ky * c.dilation.height
                            let ix = ox * c.stride.width - c.padding.width + kx * c.dilation.width
                            let inside = iy >= 0 && iy < c.height && ix >= 0 && ix < c.width
                            let expected = inside ? pixels[(channel * c.height + iy) * c.width + ix] : 0
                            let actual = values[row * geometry.outputPositions + oy * geometry.output.width + ox]
                            #expect(actual == expected, "\(c) row \(row) position (\(oy), \(ox))")
                        }
                    }
                }
            }
        }
    }

    /// col2im is the adjoint of im2col: <im2col(x), y> = <x, col2im(y)> for any x, y.
    @Test(arguments: ConvolutionCase.sweep.filter { $0.groups == 1 })
    func col2imIsTheAdjointOfIm2col(_ c: ConvolutionCase) throws {
        let geometry = try WindowGeometry(
            input: Size2D(height: c.height, width: c.width), kernel: c.kernel, stride: c.stride, padding: c.padding,
            dilation: c.dilation)
        let x = randomTensor([c.channels, c.height, c.width], seed: 9)
        let y = randomTensor([c.channels * geometry.taps, geometry.outputPositions], seed: 10)
        let left = try (im2col(x, geometry: geometry) * y).sum()
        let right = try (x * col2im(y, channels: c.channels, geometry: geometry)).sum()
        #expect(abs(left - right) <= 1e-4 * (1 + abs(left)), "\(c): \(left) vs \(right)")
    }

    @Test func rejectsMismatchedShapes() throws {
        let geometry = try WindowGeometry(input: Size2D(height: 4, width: 4), kernel: 3)
        expectTensorError(["im2col", "image [C, 4, 4]", "[2, 5, 4]"]) {
            _ = try im2col(randomTensor([2, 5, 4], seed: 1), geometry: geometry)
        }
        expectTensorError(["col2im", "columns [18, 4]", "[18, 5]"]) {
            _ = try col2im(randomTensor([18, 5], seed: 1), channels: 2, geometry: geometry)
        }
    }
}
