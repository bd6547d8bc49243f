// The direct convolution of an input with few channels (a network's first conv on 1 or 3
// channels): im2col would write a tall, shallow column matrix (27 rows for a 3x3 conv of RGB)
// whose GEMM tiles run over too short a depth to pay for loading and storing them. The C kernel
// keeps a tile of 8 output channels by up to 48 positions of an output row in registers across
// every channel and tap, reading a padded, phase-split copy of the band of input rows it needs.
// MACs: N · O · H'·W' · C·kH·kW, as the GEMM path.
internal import CKernels

/// Input channels up to which a plan offers the direct kernel for a dense conv.
package let directConvolutionChannels = 4

/// Floats of a band's input copy the direct kernel works in (128 KiB, in L2 beside the outputs
/// it writes).
private let directBandFloats = 1 << 15

/// Weights `[O, C·kH·kW]` packed for `convolveDirect`: blocks of 8 output channels, every tap's
/// 8 weights side by side.
package final class DirectConvolutionWeights: @unchecked Sendable {
    /// The packed floats, 64-byte aligned.
    package let base: UnsafeMutablePointer<Float>
    /// How many floats the packing holds (output channels rounded up to 8, times the taps).
    package let count: Int

    /// Packs `weights` (`outputChannels` rows of `taps` floats).
    package init(_ weights: UnsafePointer<Float>, outputChannels: Int, taps: Int) {
        count = gn_direct_weights_size(outputChannels, taps)
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, count) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(1, count))
        gn_pack_direct_weights(weights, outputChannels, taps, base)
    }

    deinit {
        UnsafeMutableRawPointer(base).deallocate()
    }
}

/// Runs the ungrouped convolution `operands` describe (no `scale`; its `shift` and clamp in the
/// kernel's stores) on the direct kernel with `weights`, bands of output rows in parallel.
package func convolveDirect(
    _ operands: ConvolutionOperands, weights: DirectConvolutionWeights, workspace: Workspace
) {
    let geometry = operands.geometry
    let (batch, channels, outputChannels) = (operands.batch, operands.channels, operands.outputChannels)
    let height = geometry.output.height
    let work = batch * outputChannels * geometry.outputPositions * channels * geometry.taps
    let threads = ComputeThreads.workers(for: batch * height, work: work)
    // Bands whose copy fits directBandFloats, and enough of them for every worker.
    var window = geometry.cValue
    let rowFloats =
        gn_direct_workspace_size(&window, Int32(channels), 2) - gn_direct_workspace_size(&window, Int32(channels), 1)
    let rowsInCache = Swift.max(1, directBandFloats / Swift.max(1, rowFloats))
    let bandsForThreads = batch >= threads ? 1 : (threads + batch - 1) / batch
    let bands = Swift.min(height, Swift.max(bandsForThreads, (height + rowsInCache - 1) / rowsInCache))
    let bandRows = (height + bands - 1) / bands
    let tasks = batch * bands
    let workers = Swift.min(threads, tasks)
    let perWorker = gn_direct_workspace_size(&window, Int32(channels), Int32(bandRows))
    let scratch = SharedPointer(workspace.floats(perWorker * workers))
    let cWindow = window
    parallelFor(tasks, workers: workers, balanced: true) { worker, range in
        var window = cWindow
        for task in range {
            let (image, band) = task.quotientAndRemainder(dividingBy: bands)
            let rowBegin = band * height / bands
            let rowEnd = (band + 1) * height / bands
            Kernels.table.directConvolution(
                operands.inputImage(image), Int32(channels), &window, weights.base, Int32(outputChannels),
                operands.shift, operands.lower, operands.upper, Int32(rowBegin), Int32(rowEnd),
                scratch.base + worker * perWorker, operands.outputPlane(image, channel: 0))
        }
    }
}
