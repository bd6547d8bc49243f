// Winograd convolution F(4x4, 3x3) (Lavin & Gray 2016) for 3x3, stride-1, undilated,
// ungrouped convs: each 4x4 block of outputs ("tile") reads a 6x6 block of input d, and
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
// so the 16 outputs of a tile cost 36 multiplies per input channel instead of 144. Summed over
// input channels, the 36 elementwise products become 36 GEMMs:
//   M_k [O, tiles] = U_k [O, C] · V_k [C, tiles],   k = 0..<36,
// with U = G g Gᵀ transformed once (an inference plan's build), V = Bᵀ d B per call.
// The tiles of the whole batch are cut into blocks whose V and M stay in cache; blocks are
// shared out across workers (or, when fewer than the workers, each block's channels are), each
// running its GEMMs single-threaded on OpenBLAS or the packed micro-kernels.
// Executed MACs: 36·C·O per tile (against 144·C·O for the direct conv's 16 outputs).
internal import CKernels

/// The transformed weights of a Winograd convolution: 36 matrices `[O, C]`, plain (for
/// OpenBLAS's sgemm) or each packed for `packedMultiply`.
package enum WinogradWeights: Sendable {
    /// Matrix `k` at `base + k·O·C`, as `winogradWeights4x4` writes them; the caller keeps them
    /// alive, and the workers only read them.
    case plain(SharedPointer)
    /// Matrix `k` packed.
    case packed([PackedMatrix])
}

/// The Winograd F(4x4, 3x3) transform of a 3x3 conv's weights: `weight` `[O, C, 3, 3]` into
/// 36 matrices `[O, C]`, matrix `k` at `transformed + k·O·C` (`transformed` holds 36·O·C floats).
package func winogradWeights4x4(
    _ weight: UnsafePointer<Float>, outputChannels: Int, inputChannels: Int,
    into transformed: UnsafeMutablePointer<Float>
) {
    gn_winograd_weights4x4(weight, outputChannels, inputChannels, transformed)
}

/// The tiles of one block: as many as keep a block's transformed input and products (36 floats
/// per tile and channel each) within about 8 MiB, between 64 (narrower GEMMs run far below
/// sgemm's peak, and each block reads all 36 weight matrices again) and 256, a multiple of 16.
package func winogradTileBlock(channels: Int, outputChannels: Int, tiles: Int) -> Int {
    let perTile = 36 * (channels + outputChannels)
    let fitting = Swift.min(256, Swift.max(64, (1 << 21) / perTile)) / 16 * 16
    return Swift.min(fitting, (tiles + 15) / 16 * 16)
}

/// Runs the 3x3, stride-1 convolution `operands` describe by Winograd F(4x4, 3x3), with
/// `weights` transformed by `winogradWeights4x4` (the operands' own weight is not read).
/// The output pass applies the operands' scale, shift and clamp.
///
/// The tiles of the whole batch are numbered image by image and cut into blocks, so small
/// planes in a batch still make full blocks. With at least as many blocks as workers, each
/// worker runs whole blocks; with fewer (one image, a small plane), every block is shared out:
/// the workers transform disjoint input channels, then multiply and transform back disjoint
/// output channels. The sizes must have passed `checkConvolutionSizes`: then the channel counts
/// and the tile indices (below `H'·W'`) the transforms take as C `int`s fit.
package func winogradConvolve(_ operands: ConvolutionOperands, weights: WinogradWeights, workspace: Workspace) {
    let plan = WinogradBlocks(operands)
    let work = plan.tiles * 36 * operands.channels * operands.outputChannels
    let workers = ComputeThreads.workers(for: ComputeThreads.count, work: work)
    let gemmScratch: Int
    if case .packed = weights { gemmScratch = packedMultiplyWorkspaceCount } else { gemmScratch = 0 }
    if plan.blocks >= workers {
        let perWorker = plan.floatsPerBlock + gemmScratch
        let scratch = SharedPointer(workspace.floats(perWorker * workers))
        parallelFor(plan.blocks, workers: workers, balanced: true) { worker, range in
            let block = scratch.base + worker * perWorker
            for index in range {
                plan.transformInput(index, channels: 0..<operands.channels, into: block)
                plan.multiply(
                    index, weights: weights, outputChannels: 0..<operands.outputChannels, in: block,
                    gemmWorkspace: block + plan.floatsPerBlock)
            }
        }
        return
    }
    let scratch = SharedPointer(workspace.floats(plan.floatsPerBlock + gemmScratch * workers))
    let (count, panels) = panelRanges(rows: operands.outputChannels, workers: workers)
    for index in 0..<plan.blocks {
        parallelFor(operands.channels, workers: Swift.min(workers, operands.channels)) { _, channels in
            plan.transformInput(index, channels: channels, into: scratch.base)
        }
        parallelFor(count, workers: count) { worker, _ in
            plan.multiply(
                index, weights: weights, outputChannels: panels(worker), in: scratch.base,
                gemmWorkspace: scratch.base + plan.floatsPerBlock + worker * gemmScratch)
        }
    }
}

/// How a Winograd convolution cuts the batch's tiles into blocks, and the three stages of a block:
/// input transform, 36 GEMMs, output transform (each over a range of channels).
private struct WinogradBlocks: Sendable {
    let operands: ConvolutionOperands
    let tilesAcross: Int
    let tilesPerImage: Int
    /// Tiles of the whole batch.
    let tiles: Int
    /// Tiles per block.
    let size: Int
    let blocks: Int
    /// Matrix strides, padded by 16 floats: strides of a multiple of 4 KiB map every matrix's
    /// rows to the same cache sets and slow the transforms 2-4x.
    let inputStride: Int
    let productStride: Int

    init(_ operands: ConvolutionOperands) {
        let geometry = operands.geometry
        self.operands = operands
        tilesAcross = (geometry.output.width + 3) / 4
        tilesPerImage = tilesAcross * ((geometry.output.height + 3) / 4)
        tiles = operands.batch * tilesPerImage
        size = winogradTileBlock(channels: operands.channels, outputChannels: operands.outputChannels, tiles: tiles)
        blocks = (tiles + size - 1) / size
        inputStride = operands.channels * size + 16
        productStride = operands.outputChannels * size + 16
    }

    /// Scratch floats of one block: 36 transformed-input and 36 product matrices.
    var floatsPerBlock: Int { 36 * (inputStride + productStride) }

    /// Calls `body` for each image block `index` covers, with the image's tile range and the
    /// block column it starts at.
    private func forEachPiece(_ index: Int, _ body: (_ image: Int, _ tiles: Range<Int>, _ column: Int) -> Void) {
        let (first, last) = (index * size, Swift.min(tiles, (index + 1) * size))
        for image in first / tilesPerImage...(last - 1) / tilesPerImage {
            let begin = Swift.max(first, image * tilesPerImage), end = Swift.min(last, (image + 1) * tilesPerImage)
            body(image, (begin - image * tilesPerImage)..<(end - image * tilesPerImage), begin - first)
        }
    }

    /// Columns (tiles) of block `index`.
    private func width(_ index: Int) -> Int { Swift.min(tiles, (index + 1) * size) - index * size }

    /// Bᵀ d B of `channels` for every tile of block `index`, into the block's input matrices.
    func transformInput(_ index: Int, channels: Range<Int>, into block: UnsafeMutablePointer<Float>) {
        let geometry = operands.geometry
        let planeSize = geometry.input.height * geometry.input.width
        let ld = width(index)
        forEachPiece(index) { image, tiles, column in
            Kernels.table.winogradInput4x4(
                operands.inputImage(image) + channels.lowerBound * planeSize, Int32(channels.count),
                Int32(geometry.input.height), Int32(geometry.input.width), Int32(geometry.padding.height),
                Int32(geometry.padding.width), Int32(tilesAcross), Int32(tiles.lowerBound), Int32(tiles.upperBound),
                block + channels.lowerBound * ld + column, inputStride, ld)
        }
    }

    /// The 36 GEMMs for `outputChannels` (starting at a multiple of `PackedMatrix.panelRows`)
    /// of block `index`, then Aᵀ m A into the output with the scale, shift and clamp.
    /// `gemmWorkspace` holds `packedMultiplyWorkspaceCount` floats for packed weights.
    func multiply(
        _ index: Int, weights: WinogradWeights, outputChannels: Range<Int>, in block: UnsafeMutablePointer<Float>,
        gemmWorkspace: UnsafeMutablePointer<Float>
    ) {
        let (channels, allOutputs) = (operands.channels, operands.outputChannels)
        let ld = width(index)
        let product = block + 36 * inputStride
        for k in 0..<36 {
            let c = product + k * productStride + outputChannels.lowerBound * ld
            switch weights {
            case let .plain(transformed):
                GEMM.multiplyUnchecked(
                    transposeA: .none, transposeB: .none, m: outputChannels.count, n: ld, k: channels, alpha: 1,
                    a: transformed.base + (k * allOutputs + outputChannels.lowerBound) * channels, lda: channels,
                    b: block + k * inputStride, ldb: ld, beta: 0, c: c, ldc: ld)
            case let .packed(matrices):
                packedMultiply(
                    matrices[k], rows: outputChannels, b: block + k * inputStride, ldb: ld, n: ld, c: c, ldc: ld,
                    shift: nil, lower: -.infinity, upper: .infinity, workspace: gemmWorkspace)
            }
        }
        let geometry = operands.geometry
        let (scale, shift) = (
            operands.scale.map { $0 + outputChannels.lowerBound }, operands.shift.map { $0 + outputChannels.lowerBound }
        )
        forEachPiece(index) { image, tiles, column in
            Kernels.table.winogradOutput4x4(
                product + outputChannels.lowerBound * ld + column, Int32(outputChannels.count),
                Int32(geometry.output.height), Int32(geometry.output.width), Int32(tilesAcross),
                Int32(tiles.lowerBound), Int32(tiles.upperBound), productStride, ld, scale, shift, operands.lower,
                operands.upper, operands.outputPlane(image, channel: outputChannels.lowerBound),
                geometry.outputPositions)
        }
    }
}
