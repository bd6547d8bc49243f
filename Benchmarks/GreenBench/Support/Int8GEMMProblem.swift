import GreenTensor

/// A square int8 GEMM, allocated and filled once: s8 weights `[n, n]` packed as quantized plans
/// pack them, times u8 codes `[n, n]`, requantized into u8 `[n, n]`, through the same kernel
/// entry a 1x1 convolution takes (one image of n planes, each n positions wide). Every
/// instruction set writes the same codes.
final class Int8GEMMProblem {
    let size: Int
    private let weights: PackedInt8Matrix
    private let input: [UInt8]
    private let output: UnsafeMutableBufferPointer<UInt8>
    private let requantization: Int8Requantization
    private let geometry: WindowGeometry
    private let workspace = Workspace()

    init(size: Int) throws {
        var generator = SeededGenerator(seed: UInt64(size))
        self.size = size
        let codes = (0..<size * size).map { _ in Int8.random(in: -127...127, using: &generator) }
        weights = codes.withUnsafeBufferPointer {
            PackedInt8Matrix(codes: $0.baseAddress!, rows: size, columns: size, leadingDimension: size)
        }
        input = (0..<size * size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        output = .allocate(capacity: size * size)
        output.initialize(repeating: 0)
        // The sums of n random products spread about 10,800 · √n either side of 0: ±3 of those
        // spread over the codes around 128.
        let multiplier = 1 / (256 * Float(size).squareRoot())
        requantization = Int8Requantization(
            multipliers: Array(repeating: multiplier, count: size), shifts: Array(repeating: 128, count: size),
            inputZeroPoint: 0, lower: 0, upper: 255)
        geometry = try WindowGeometry(input: Size2D(height: 1, width: size), kernel: 1, operation: "int8 GEMM")
    }

    deinit {
        output.deallocate()
    }

    /// The requantized product on `instructionSet`'s kernels.
    func run(on instructionSet: Int8InstructionSet) {
        input.withUnsafeBufferPointer { b in
            int8Convolve(
                Int8Batch(base: UnsafeMutablePointer(mutating: b.baseAddress!), shape: [1, size, 1, size]),
                weights: [weights], geometry: geometry, requantization: requantization,
                into: Int8Batch(base: output.baseAddress!, shape: [1, size, 1, size]), workspace: workspace,
                instructionSet: instructionSet)
        }
    }

    /// The codes the last `run` wrote.
    var codes: [UInt8] { Array(output) }
}
