@testable import GreenTensor

/// One convolution configuration of the sweep (ncnn's table of cases).
struct ConvolutionCase: CustomStringConvertible, Sendable {
    var batch = 1, channels = 3, outputChannels = 4, height = 7, width = 9
    var kernel = Size2D(3), stride = Size2D(1), padding = Size2D(0), dilation = Size2D(1)
    var groups = 1
    var bias = true

    var description: String {
        "N\(batch) C\(channels)->\(outputChannels) \(height)x\(width) k\(kernel) s\(stride) p\(padding) d\(dilation) g\(groups) bias=\(bias)"
    }

    /// Strides 1 and 2, padding 0/1/2, dilation 1/2, square and non-square inputs and kernels.
    static let sweep: [ConvolutionCase] = {
        var cases: [ConvolutionCase] = []
        for stride in [1, 2] {
            for padding in [0, 1, 2] {
                for dilation in [1, 2] {
                    cases.append(
                        ConvolutionCase(stride: Size2D(stride), padding: Size2D(padding), dilation: Size2D(dilation)))
                }
            }
        }
        cases.append(
            ConvolutionCase(
                batch: 3, height: 6, width: 11, kernel: Size2D(height: 3, width: 5),
                stride: Size2D(height: 1, width: 2), padding: Size2D(height: 2, width: 1), bias: false))
        cases.append(ConvolutionCase(batch: 2, channels: 5, outputChannels: 6, height: 5, width: 5, kernel: 1))
        cases.append(
            ConvolutionCase(
                batch: 3, channels: 6, outputChannels: 4, height: 8, width: 6, kernel: 3, padding: 1, groups: 2))
        cases.append(
            ConvolutionCase(batch: 1, channels: 1, outputChannels: 6, height: 28, width: 28, kernel: 5, padding: 2))
        // im2col columns of 784 x 58 per output row: several cache-sized bands per image.
        cases.append(ConvolutionCase(batch: 2, channels: 16, outputChannels: 2, height: 64, width: 64, kernel: 7))
        cases.append(
            ConvolutionCase(
                batch: 2, channels: 4, outputChannels: 2, height: 9, width: 4, kernel: Size2D(height: 1, width: 3),
                stride: 2, padding: Size2D(height: 0, width: 1), dilation: Size2D(height: 1, width: 2)))
        return cases
    }()
}
