import CKernels
import Testing

@testable import GreenTensor

/// Sizes past what the kernels take throw `TensorError.sizeLimitExceeded` (or the shape error of
/// the operation) instead of trapping in `Int32(_:)` or in overflowing arithmetic, and kernels
/// larger than the C kernels' stack tables run instead of overflowing the stack. Every case
/// checks before allocating: the tensors here are empty (a zero batch) or a few MiB at most.
@Suite struct KernelSizeLimitTests {
    let extent = KernelLimits.maximumWindowExtent
    let count = KernelLimits.maximumCount

    @Test func limitsAreTheDocumentedPowersOfTwo() {
        #expect(KernelLimits.maximumCount == 2_147_483_647)
        #expect(KernelLimits.maximumWindowExtent == 1_073_741_824)
    }

    @Test func cIntAcceptsExactlyTheCIntRangeOfSizes() throws {
        #expect(try KernelLimits.cInt(count, "channels", operation: "test") == Int32.max)
        #expect(try KernelLimits.cInt(0, "channels", operation: "test") == 0)
        let tooMany = TensorError.sizeLimitExceeded(
            operation: "test", quantity: "channels", value: count + 1, limit: count)
        #expect(throws: tooMany) { try KernelLimits.cInt(count + 1, "channels", operation: "test") }
        expectTensorError(["test", "channels", ">= 0", "-1"]) {
            _ = try KernelLimits.cInt(-1, "channels", operation: "test")
        }
        expectTensorError(["test: channels must be at most 2147483647, got 3000000000"]) {
            _ = try KernelLimits.cInt(3_000_000_000, "channels", operation: "test")
        }
    }

    // MARK: Window geometry

    @Test func windowGeometryAcceptsExtentsUpToTheLimit() throws {
        let geometry = try WindowGeometry(input: Size2D(height: 1, width: extent), kernel: 1)
        #expect(geometry.cValue.inputWidth == Int32(extent))
        #expect(geometry.cValue.outputWidth == Int32(extent))
        let padded = try WindowGeometry(input: 2, kernel: 3, stride: Size2D(extent), padding: Size2D((extent - 2) / 2))
        #expect(padded.cValue.strideHeight == Int32(extent))
        #expect(padded.output == 1)
    }

    @Test func windowGeometryRejectsExtentsPastTheLimit() {
        #expect(
            throws: TensorError.sizeLimitExceeded(
                operation: "conv", quantity: "input width", value: 3_000_000_000, limit: extent)
        ) {
            try WindowGeometry(input: Size2D(height: 1, width: 3_000_000_000), kernel: 1, operation: "conv")
        }
        // This one overflowed Int in in + 2·padding and trapped.
        expectTensorError(["conv", "padding width", "1073741824", "\(Int.max)"]) {
            _ = try WindowGeometry(input: 1, kernel: 1, padding: Size2D(height: 0, width: .max), operation: "conv")
        }
        // This one in dilation·(kernel − 1) + 1.
        expectTensorError(["conv", "dilation height", "\(Int.max)"]) {
            _ = try WindowGeometry(input: 4, kernel: 2, dilation: Size2D(height: .max, width: 1), operation: "conv")
        }
        expectTensorError(["conv", "kernel width", "\(Int.max)"]) {
            _ = try WindowGeometry(input: 4, kernel: Size2D(height: 1, width: .max), operation: "conv")
        }
        expectTensorError(["conv", "stride height", "\(extent + 1)"]) {
            _ = try WindowGeometry(
                input: 4, kernel: 1, stride: Size2D(height: extent + 1, width: 1), operation: "conv")
        }
        expectTensorError(["conv", "padded input width", "1073741824", "\(extent + 1)"]) {
            _ = try WindowGeometry(
                input: 1, kernel: 1, padding: Size2D(height: 0, width: extent / 2), operation: "conv")
        }
    }

    /// A zero batch with a plane wider than a C int: nothing to compute, and no memory, yet the
    /// kernels' window narrowed its width with `Int32(_:)` and trapped.
    @Test func kernelsOnAPlanePastTheLimitThrowBeforeAllocating() throws {
        let input = try Tensor.zeros([0, 1, 1, 3_000_000_000])
        let weight = try Tensor.zeros([1, 1, 1, 1])
        expectTensorError(["conv2d", "input width", "3000000000"]) { _ = try conv2d(input, weight: weight) }
        expectTensorError(["depthwiseConv2d", "input width", "3000000000"]) {
            _ = try depthwiseConv2d(input, weight: weight)
        }
        expectTensorError(["maxPool2d", "input width", "3000000000"]) { _ = try maxPool2d(input, kernelSize: 1) }
        expectTensorError(["avgPool2d", "input width", "3000000000"]) { _ = try avgPool2d(input, kernelSize: 1) }
        // 2·padding overflowed Int here before the window was checked.
        expectTensorError(["maxPool2d", "padding"]) {
            _ = try maxPool2d(
                try Tensor.zeros([0, 1, 1, 1]), kernelSize: Size2D(height: 1, width: .max),
                padding: Size2D(height: 0, width: .max / 2 + 1))
        }
    }

    /// Padding blows a 1x1 image up to an output plane of more than 2^31 positions, which sgemm
    /// takes as a C int: rejected before the (huge) output is allocated.
    @Test func convolutionOutputPastTheLimitThrowsBeforeAllocating() throws {
        let image = try Tensor.zeros([1, 1, 1, 1])
        expectTensorError(["conv2d", "output positions", "2147483647"]) {
            _ = try conv2d(image, weight: try Tensor.zeros([1, 1, 1, 1]), padding: 30_000)
        }
    }

    // MARK: Convolution sizes

    @Test func convolutionSizeChecksNameTheSizePastTheLimit() throws {
        let small = try WindowGeometry(input: 4, kernel: 3)
        #expect(throws: Never.self) {
            try checkConvolutionSizes(
                channels: count, outputChannels: count, groups: count, geometry: small, operation: "conv")
        }
        expectTensorError(["conv", "input channels", "2147483647", "3000000000"]) {
            try checkConvolutionSizes(
                channels: 3_000_000_000, outputChannels: 8, groups: 1, geometry: small, operation: "conv")
        }
        expectTensorError(["conv", "output channels", "3000000000"]) {
            try checkConvolutionSizes(
                channels: 8, outputChannels: 3_000_000_000, groups: 1, geometry: small, operation: "conv")
        }
        // C/groups·kH·kW = 2^20 · 64 · 64 = 2^32; with 2^10 groups it is 2^22.
        let wide = try WindowGeometry(input: 64, kernel: 64)
        expectTensorError(["conv", "reduction C/groups·kH·kW", "\(1 << 32)"]) {
            try checkConvolutionSizes(
                channels: 1 << 20, outputChannels: 8, groups: 1, geometry: wide, operation: "conv")
        }
        #expect(throws: Never.self) {
            try checkConvolutionSizes(
                channels: 1 << 20, outputChannels: 8, groups: 1 << 10, geometry: wide, operation: "conv")
        }
        let huge = try WindowGeometry(input: 65_536, kernel: 65_536)
        expectTensorError(["conv", "kernel taps kH·kW", "\(1 << 32)"]) {
            try checkConvolutionSizes(channels: 1, outputChannels: 1, groups: 1, geometry: huge, operation: "conv")
        }
        let plane = try WindowGeometry(input: 65_536, kernel: 1)
        expectTensorError(["conv", "output positions H'·W'", "\(1 << 32)"]) {
            try checkConvolutionSizes(channels: 1, outputChannels: 1, groups: 1, geometry: plane, operation: "conv")
        }
    }

    /// channels·kH·kW overflowed Int (and trapped) before the columns' shape was compared.
    @Test func col2imWithAnOverflowingColumnCountThrows() throws {
        let geometry = try WindowGeometry(input: 2, kernel: 2)
        expectTensorError(["col2im", "columns [\(Int.max / 2)·4, 1]"]) {
            _ = try col2im(try Tensor.zeros([1, 1]), channels: Int.max / 2, geometry: geometry)
        }
    }

    // MARK: GEMM

    @Test func gemmRejectsSizesPastTheCIntLimit() {
        let one: [Float] = [1, 1]
        var c: [Float] = [0, 0]
        // A transposed [1, 1] with 3e9 floats between rows: one float is enough, but OpenBLAS
        // takes lda as a C int (the narrowing trapped).
        expectTensorError(["GEMM", "lda", "2147483647", "3000000000"]) {
            try one.withUnsafeBufferPointer { a in
                try c.withUnsafeMutableBufferPointer { product in
                    try GEMM.multiply(
                        transposeA: .transposed, m: 1, n: 1, k: 1, a: a, lda: 3_000_000_000, b: a, ldb: 1,
                        c: product, ldc: 1)
                }
            }
        }
        // (rows − 1)·lda overflowed Int in the buffer check.
        expectTensorError(["GEMM", "lda", "\(Int.max)"]) {
            try one.withUnsafeBufferPointer { a in
                try c.withUnsafeMutableBufferPointer { product in
                    try GEMM.multiply(m: 2, n: 1, k: 1, a: a, lda: .max, b: a, ldb: 1, c: product, ldc: 1)
                }
            }
        }
        expectTensorError(["linear", "input features"]) {
            try checkLinearSizes(batch: 1, inputs: 3_000_000_000, outputs: 1, operation: "linear")
        }
    }

    // MARK: Kernels wider than the stack tables

    /// A 1 x 3,000,001 window (and its transpose) on a 1x1 plane padded to fit: im2col and max
    /// pooling kept 2 ints per kernel row and per kernel column in stack arrays (24 MB here),
    /// which overflowed any thread's stack; past `GN_RANGE_CACHE` they now compute them as they go.
    @Test(arguments: KernelInstructionSet.supported, [true, false])
    func windowsLargerThanTheStackTablesRun(_ instructionSet: KernelInstructionSet, _ wide: Bool) throws {
        let table = Kernels.table(for: instructionSet)
        let (long, half) = (3_000_001, 1_500_000)
        let kernel = wide ? Size2D(height: 1, width: long) : Size2D(height: long, width: 1)
        let padding = wide ? Size2D(height: 0, width: half) : Size2D(height: half, width: 0)
        let geometry = try WindowGeometry(input: 1, kernel: kernel, padding: padding)
        #expect(geometry.output == 1)
        var window = geometry.cValue
        let pixel: [Float] = [2]

        var columns = [Float](repeating: .nan, count: long)
        table.im2col(pixel, 1, &window, 0, 1, &columns, 1)
        #expect(columns[half] == 2, "\(instructionSet) im2col")
        #expect(columns.enumerated().allSatisfy { $0.offset == half || $0.element == 0 }, "\(instructionSet) im2col")

        var pooled: [Float] = [.nan]
        table.maxPoolPlane(pixel, &window, &pooled)
        #expect(pooled == [2], "\(instructionSet) max pooling")
    }

    @Test func convolutionAndPoolingWithAThreeMillionTapKernelRun() throws {
        let image = try Tensor(shape: [1, 1, 1, 1], scalars: [2])
        let kernel = Size2D(height: 1, width: 3_000_001)
        let padding = Size2D(height: 0, width: 1_500_000)
        let weight = try Tensor.filled([1, 1, 1, 3_000_001], with: 0.5)
        #expect(try conv2d(image, weight: weight, padding: padding).scalars == [1])
        #expect(try maxPool2d(image, kernelSize: kernel, padding: padding).scalars == [2])
        #expect(try avgPool2d(image, kernelSize: kernel, padding: padding, countIncludesPadding: false).scalars == [2])
        let gradient = try maxPool2dBackward(
            try Tensor(shape: [1, 1, 1, 1], scalars: [3]), input: image, kernelSize: kernel, padding: padding)
        #expect(gradient.scalars == [3])
    }
}
