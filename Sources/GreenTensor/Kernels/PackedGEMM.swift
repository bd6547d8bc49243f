// GEMM with a constant left operand packed once: c [m, n] = A [m, k] · b [k, n], row-major, the
// per-row shift and clamp of an inference conv applied as each tile is stored. A (a conv's
// weights) is packed into panels of 6 rows when a plan is built, which OpenBLAS's API cannot
// keep between calls; b (im2col columns, an input plane, Winograd's transformed input) is packed
// block by block inside the call. The micro-kernels (CKernels, KernelGEMM.h) come in the three
// instruction sets and are dispatched like every other kernel, so an AVX-512 machine gets
// AVX-512 even where OpenBLAS was pinned to an AVX2 core.
// MACs: m·n·k.
internal import CKernels

/// A constant matrix `[rows, columns]` packed for `packedMultiply`: panels of 6 rows, each
/// column of a panel contiguous.
package final class PackedMatrix: @unchecked Sendable {
    /// Rows of the matrix (M).
    package let rows: Int
    /// Columns of the matrix (K).
    package let columns: Int
    private let base: UnsafeMutablePointer<Float>

    /// Rows per panel: row ranges handed to `packedMultiply` start at multiples of this.
    package static let panelRows = Int(GN_GEMM_PANEL_ROWS)

    /// Packs `a` `[rows, columns]` (rows `leadingDimension` floats apart).
    package init(_ a: UnsafePointer<Float>, rows: Int, columns: Int, leadingDimension: Int) {
        (self.rows, self.columns) = (rows, columns)
        let count = gn_packed_gemm_a_size(rows, columns)
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, count) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(1, count))
        gn_pack_gemm_a(a, rows, columns, leadingDimension, base)
    }

    /// Floats held.
    package var count: Int { gn_packed_gemm_a_size(rows, columns) }

    /// The panel where row `row` (a multiple of `panelRows`) starts.
    func panel(at row: Int) -> UnsafePointer<Float> { UnsafePointer(base + row * columns) }

    deinit {
        UnsafeMutableRawPointer(base).deallocate()
    }
}

/// Floats of workspace one `packedMultiply` call needs (its packed blocks of b).
package let packedMultiplyWorkspaceCount = gn_gemm_workspace_size()

/// `c [rows, n] = a[rows] · b [k, n]` (rows of `c` and `b` `ldc` and `ldb` floats apart), then
/// `c = min(max(c + shift[row], lower), upper)` per row as it is stored (`shift` indexed from
/// the first row of `rows`, nil for 0). `rows` starts at a multiple of `PackedMatrix.panelRows`;
/// `workspace` holds `packedMultiplyWorkspaceCount` floats. Single-threaded. The micro-kernels
/// take `rows.count`, `a.columns` and `n` as C `int`s: each must be at most
/// `KernelLimits.maximumCount` (a convolution's are, once `checkConvolutionSizes` passed).
package func packedMultiply(
    _ a: PackedMatrix, rows: Range<Int>, b: UnsafePointer<Float>, ldb: Int, n: Int, c: UnsafeMutablePointer<Float>,
    ldc: Int, shift: UnsafePointer<Float>?, lower: Float, upper: Float, workspace: UnsafeMutablePointer<Float>
) {
    guard !rows.isEmpty, n > 0 else { return }
    Kernels.table.packedGEMM(
        a.panel(at: rows.lowerBound), Int32(rows.count), Int32(a.columns), b, ldb, Int32(n), c, ldc, shift, lower,
        upper, workspace)
}

/// The row ranges of `rows` rows split among at most `workers` workers in whole panels.
package func panelRanges(rows: Int, workers: Int) -> (count: Int, range: @Sendable (Int) -> Range<Int>) {
    let panels = (rows + PackedMatrix.panelRows - 1) / PackedMatrix.panelRows
    let count = Swift.max(1, Swift.min(workers, panels))
    return (
        count,
        { worker in
            let first = panels * worker / count * PackedMatrix.panelRows
            let last = Swift.min(rows, panels * (worker + 1) / count * PackedMatrix.panelRows)
            return first..<last
        }
    )
}

/// A deep conv on a small plane (more output channels than positions, one image at a time),
/// computed transposed so the wide dimension is the vectorised one: for each image,
///   productᵀ [P, O] = columnsᵀ [P, K] · weightᵀ [K, O]
/// with columnsᵀ (im2col's matrix, or the input plane for a 1x1) packed into 6-row panels per
/// call, `transposedWeight` `[K, O]` prepared once, and the output channels split across workers;
/// the product is then stored into the NCHW output with the shift and clamp. Each weight is read
/// once per image, so the conv runs at the memory's speed where its plane is tiny. The sizes must
/// have passed `checkConvolutionSizes`.
package func convolveStreamingWeights(
    _ operands: ConvolutionOperands, transposedWeight: UnsafePointer<Float>, workspace: Workspace
) {
    let geometry = operands.geometry
    let (batch, channels, outputChannels) = (operands.batch, operands.channels, operands.outputChannels)
    let reduction = channels * geometry.taps
    let positions = geometry.outputPositions
    let pointwise = geometry.isPointwise
    let workers = ComputeThreads.workers(for: outputChannels / 16 + 1, work: outputChannels * positions * reduction)
    let columnsSize = pointwise ? 0 : reduction * positions
    let packedSize =
        (positions + PackedMatrix.panelRows - 1) / PackedMatrix.panelRows * PackedMatrix.panelRows
        * reduction
    let scratch = SharedPointer(
        workspace.floats(
            columnsSize + packedSize + positions * outputChannels + packedMultiplyWorkspaceCount * workers))
    let columns = scratch.base
    let packed = columns + columnsSize
    let product = SharedPointer(packed + packedSize)
    let gemmScratch = SharedPointer(product.base + positions * outputChannels)
    let weights = SharedPointer(UnsafeMutablePointer(mutating: transposedWeight))
    let cWindow = geometry.cValue
    // Output channels per worker, in multiples of 16 (whole vectors of the product's rows).
    let chunks = (outputChannels + 15) / 16
    for image in 0..<batch {
        let matrix = pointwise ? operands.inputImage(image) : columns
        if !pointwise {
            var window = cWindow
            Kernels.table.im2col(
                operands.inputImage(image), Int32(channels), &window, 0, Int32(geometry.output.height), columns,
                positions)
        }
        // Panel p of columnsᵀ holds, for each t < K, positions 6p..6p+5 of row t (zero past P).
        gn_pack_gemm_a_transposed(matrix, positions, reduction, positions, packed)
        let source = SharedPointer(packed)
        parallelFor(workers, workers: workers) { worker, _ in
            let begin = chunks * worker / workers * 16
            let end = Swift.min(outputChannels, chunks * (worker + 1) / workers * 16)
            guard begin < end else { return }
            Kernels.table.packedGEMM(
                source.base, Int32(positions), Int32(reduction), weights.base + begin, outputChannels,
                Int32(end - begin), product.base + begin, outputChannels, nil, -.infinity, .infinity,
                gemmScratch.base + worker * packedMultiplyWorkspaceCount)
        }
        parallelFor(outputChannels, workers: workers) { _, range in
            Kernels.table.transposeFinish(
                product.base + range.lowerBound, positions, range.count, outputChannels,
                operands.scale.map { $0 + range.lowerBound }, operands.shift.map { $0 + range.lowerBound },
                operands.lower, operands.upper, operands.outputPlane(image, channel: range.lowerBound), positions)
        }
    }
}
