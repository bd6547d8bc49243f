// Int8 convolutions of u8 codes by s8 weights, requantized into u8 codes as they are stored.
//   dense and grouped: the int8 GEMM of each group's packed weights [O/g, C/g·kH·kW] by the
//     column matrix [C/g·kH·kW, H'·W'] of each image. A 1x1 stride-1 unpadded conv's input planes
//     are that matrix; any other conv's is never written: every image is copied once into padded
//     planes (the zero point around them) and the GEMM packs its column blocks straight from
//     them (windowGemm), so that no im2col matrix passes through memory.
//   depthwise: in one of three layouts (Int8DepthwiseLayout), all exact: VNNI dot products of
//     horizontal taps plane by plane on wide planes, 16 channels a float vector on narrow ones,
//     or the float depthwise kernel plane by plane. Dense convs on a few input channels take the
//     dot products too (Int8DotConvolution.swift).
// MACs: N · O · H'·W' · (C/g)·kH·kW (depthwise: N · C · H'·W' · kH·kW), as the float kernels.
// Small planes in a batch (fewer than 128 output positions) put every image's columns side by side
// into one matrix, so one GEMM reads the weights once for the batch (a deep layer's weights are
// larger than its activations) and fills whole column tiles; its [O/g, N·H'·W'] result is then
// copied into each image's planes. Otherwise images run in parallel when there are as many as
// workers, else column blocks of one image.
internal import CKernels

/// The int8 GEMM's column tile: workers split the columns at multiples of it (a multiple of
/// every instruction set's tile width: 48, 16 and 8 columns).
private let columnBlock = 96

/// Whether `int8Convolve` reads the columns of a conv with `groupChannels` input channels a
/// group (`groups` groups) from padded images whose planes are interleaved four at a time (every
/// conv but a 1x1 stride-1 unpadded one, when the group's channels are a multiple of 4, or when
/// one group's rounding up to one costs at most a third more depth: a network's first conv on RGB
/// gains a fourth channel of zero weights): a column's 4 codes of a group of depths then lie side
/// by side, so packing a block copies runs instead of gathering code by code.
package func int8ConvolutionReadsQuads(_ geometry: WindowGeometry, groupChannels: Int, groups: Int) -> Bool {
    let rounded = (groupChannels + 3) / 4 * 4
    return !geometry.isPointwise && (rounded == groupChannels || groups == 1 && 3 * rounded <= 4 * groupChannels)
}

/// The input channels a group's depths count: rounded up to a multiple of 4 where the conv reads
/// interleaved quads (the added channels' weights are 0).
private func int8DepthChannels(_ geometry: WindowGeometry, groupChannels: Int, groups: Int) -> Int {
    int8ConvolutionReadsQuads(geometry, groupChannels: groupChannels, groups: groups)
        ? (groupChannels + 3) / 4 * 4 : groupChannels
}

/// A conv's int8 weights (`outputChannels` rows of `groupChannels·kH·kW` codes, depths channel
/// by channel) packed for `int8Convolve`: one matrix per group, each row's depths reordered tap by
/// tap (channel within tap, 0 for the channels rounding up adds) where the conv reads interleaved
/// quads (`int8ConvolutionReadsQuads`).
package func packInt8ConvolutionWeights(
    _ codes: UnsafePointer<Int8>, outputChannels: Int, groupChannels: Int, groups: Int, geometry: WindowGeometry
) -> [PackedInt8Matrix] {
    let (groupRows, taps) = (outputChannels / groups, geometry.taps)
    let depthChannels = int8DepthChannels(geometry, groupChannels: groupChannels, groups: groups)
    let length = depthChannels * taps
    func pack(_ source: UnsafePointer<Int8>) -> [PackedInt8Matrix] {
        (0..<groups).map { group in
            PackedInt8Matrix(
                codes: source + group * groupRows * length, rows: groupRows, columns: length, leadingDimension: length)
        }
    }
    guard int8ConvolutionReadsQuads(geometry, groupChannels: groupChannels, groups: groups) else { return pack(codes) }
    let reordered = UnsafeMutablePointer<Int8>.allocate(capacity: Swift.max(1, outputChannels * length))
    defer { reordered.deallocate() }
    reordered.initialize(repeating: 0, count: Swift.max(1, outputChannels * length))
    let rowLength = groupChannels * taps
    for row in 0..<outputChannels {
        for channel in 0..<groupChannels {
            for tap in 0..<taps {
                reordered[row * length + tap * depthChannels + channel] = codes[row * rowLength + channel * taps + tap]
            }
        }
    }
    return pack(reordered)
}

/// Convolves `input` (u8 `[N, C, H, W]`, zero point `requantization.inputZeroPoint`) by
/// `weights` (one packed `[O/g, C/g·kH·kW]` matrix per group) over `geometry` into `output`
/// (u8 `[N, O, H', W']`), each output channel requantized as `requantization` says.
package func int8Convolve(
    _ input: Int8Batch, weights: [PackedInt8Matrix], geometry: WindowGeometry, requantization: Int8Requantization,
    into output: Int8Batch, workspace: Workspace, instructionSet: Int8InstructionSet = .active
) {
    let job = Int8ConvolutionJob(
        input: input, output: output, weights: weights, geometry: geometry, requantization: requantization,
        table: Int8Kernels.table(for: instructionSet))
    let (batch, positions) = (input.batch, geometry.outputPositions)
    let work = batch * output.channels * positions * job.reduction
    let sideBySide = batch > 1 && positions < 128
    let width = sideBySide ? batch * positions : positions
    let blocks = (width + columnBlock - 1) / columnBlock
    let workers =
        sideBySide
        ? ComputeThreads.workers(for: blocks, work: work)
        : ComputeThreads.workers(for: Swift.max(batch, positions / columnBlock), work: work)
    // Images whole on each worker pad their own image just before its GEMM, while it is in cache;
    // otherwise every image is padded once, up front.
    let imageByImage = !sideBySide && batch >= workers
    // One request of the workspace (a second could move the first): the padded images and their
    // tap offsets (unless 1x1; one image a worker when image by image), for images side by side a
    // 1x1 conv's gathered planes and the product, then each worker's GEMM scratch.
    let windowBytes = job.direct ? 0 : job.windowBytes(images: imageByImage ? 1 : batch)
    let perWorker = (imageByImage ? windowBytes : 0) + job.gemmBytes
    let matrixBytes = sideBySide && job.direct ? (job.reduction * width + 63) / 64 * 64 : 0
    let productBytes = sideBySide ? (job.groupOutputs * width + 63) / 64 * 64 : 0
    let sharedBytes = (imageByImage ? 0 : windowBytes) + matrixBytes + productBytes
    let scratch = SharedBytes(workspace, bytes: sharedBytes + workers * perWorker)
    let workerScratch = SharedBytes(pointer: scratch.base + sharedBytes)
    if imageByImage {
        parallelFor(batch, workers: workers, balanced: true) { worker, images in
            let own = workerScratch.base + worker * perWorker
            let windows = job.direct ? nil : job.windows(at: own, images: 1)
            for image in images {
                if !job.direct { job.pad(image..<(image + 1), into: own, workers: 1) }
                for group in 0..<weights.count {
                    job.multiply(
                        ColumnSource(windows: windows), image: image, group: group, range: 0..<positions,
                        firstImage: image, scratch: own + windowBytes)
                }
            }
        }
        return
    }
    let windows = job.direct ? nil : job.windows(at: scratch.base, images: batch)
    if !job.direct { job.pad(0..<batch, into: scratch.base, workers: ComputeThreads.workers(for: batch, work: work)) }
    let gemm = SharedBytes(pointer: workerScratch.base)
    if sideBySide {
        let (matrix, product) = (scratch.base + windowBytes, scratch.base + windowBytes + matrixBytes)
        for group in 0..<weights.count {
            if windows == nil {
                for image in 0..<batch {
                    let source = input.plane(image, channel: group * job.groupChannels)
                    for row in 0..<job.groupChannels {
                        (matrix + row * width + image * positions).update(
                            from: source + row * input.planeSize, count: positions)
                    }
                }
            }
            let columns = ColumnSource(matrix: UnsafePointer(matrix), ld: width, windows: windows)
            let target = SharedBytes(pointer: product)
            parallelFor(blocks, workers: workers, balanced: true) { worker, range in
                let range = range.lowerBound * columnBlock..<Swift.min(width, range.upperBound * columnBlock)
                job.multiply(
                    columns, group: group, columns: range, into: target.base + range.lowerBound, ldc: width,
                    scratch: gemm.base + worker * job.gemmBytes)
            }
            for image in 0..<batch {
                for row in 0..<job.groupOutputs {
                    output.plane(image, channel: group * job.groupOutputs + row).update(
                        from: product + row * width + image * positions, count: positions)
                }
            }
        }
        return
    }
    let columns = ColumnSource(windows: windows)
    for image in 0..<batch {
        for group in 0..<weights.count {
            parallelFor(blocks, workers: Swift.min(workers, blocks), balanced: true) { worker, range in
                job.multiply(
                    columns, image: image, group: group,
                    range: range.lowerBound * columnBlock..<Swift.min(positions, range.upperBound * columnBlock),
                    firstImage: 0, scratch: gemm.base + worker * job.gemmBytes)
            }
        }
    }
}

/// Where a GEMM's columns come from: a matrix in memory (rows `ld` bytes apart; a 1x1 conv's
/// input planes, or its images' planes gathered side by side), or the windows of padded images.
private struct ColumnSource: @unchecked Sendable {
    var matrix: UnsafePointer<UInt8>?
    var ld = 0
    var windows: gn_int8_windows?
}

/// One int8 convolution's operands and sizes, shared by its workers (who touch disjoint outputs
/// and their own scratch).
private struct Int8ConvolutionJob: @unchecked Sendable {
    let input: Int8Batch
    let output: Int8Batch
    let weights: [PackedInt8Matrix]
    let requantization: Int8Requantization
    let table: gn_int8_kernel_table
    let geometry: WindowGeometry
    let groupChannels: Int
    /// The channels a group's depths count (`int8DepthChannels`).
    let depthChannels: Int
    let groupOutputs: Int
    let reduction: Int
    let positions: Int
    /// Whether the input planes are the column matrix (1x1, stride 1, no padding).
    let direct: Bool
    /// Whether the windows read planes interleaved four at a time (`int8ConvolutionReadsQuads`).
    let quads: Bool
    let gemmBytes: Int

    init(
        input: Int8Batch, output: Int8Batch, weights: [PackedInt8Matrix], geometry: WindowGeometry,
        requantization: Int8Requantization, table: gn_int8_kernel_table
    ) {
        (self.input, self.output, self.weights, self.requantization, self.table) = (
            input, output, weights, requantization, table
        )
        self.geometry = geometry
        groupChannels = input.channels / weights.count
        depthChannels = int8DepthChannels(geometry, groupChannels: groupChannels, groups: weights.count)
        groupOutputs = output.channels / weights.count
        reduction = depthChannels * geometry.taps
        positions = geometry.outputPositions
        direct = geometry.isPointwise
        quads = int8ConvolutionReadsQuads(geometry, groupChannels: groupChannels, groups: weights.count)
        gemmBytes = (gn_int8_workspace_size(reduction) + 63) / 64 * 64
    }

    /// Padded planes an image takes: its channels, rounded up to quads where they are one group.
    var imagePlanes: Int { weights.count * depthChannels }

    /// Bytes of `images` images' padded planes, then one group's tap offsets (64-byte multiples).
    func windowBytes(images: Int) -> Int {
        (images * imagePlanes * geometry.paddedInputSize + 63) / 64 * 64
            + (reduction * MemoryLayout<Int>.stride + 63) / 64 * 64
    }

    /// The windows over `images` padded images at `scratch` (`windowBytes(images: images)`), one
    /// group's tap offsets laid out after them (the first image is column 0).
    func windows(at scratch: UnsafeMutablePointer<UInt8>, images: Int) -> gn_int8_windows {
        let paddedPlane = geometry.paddedInputSize
        let imageBytes = imagePlanes * paddedPlane
        let offsets = UnsafeMutableRawPointer(scratch + (images * imageBytes + 63) / 64 * 64)
            .bindMemory(to: Int.self, capacity: reduction)
        let (kernel, dilation) = (geometry.kernel, geometry.dilation)
        let paddedWidth = geometry.input.width + 2 * geometry.padding.width
        for ky in 0..<kernel.height {
            for kx in 0..<kernel.width {
                let (tap, shift) = (ky * kernel.width + kx, ky * dilation.height * paddedWidth + kx * dilation.width)
                if quads {
                    // One offset per group of 4 depths: 4 channels at one tap, depths tap by tap.
                    for quad in 0..<depthChannels / 4 {
                        offsets[(tap * depthChannels) / 4 + quad] = 4 * (quad * paddedPlane + shift)
                    }
                } else {
                    for channel in 0..<groupChannels {
                        offsets[channel * geometry.taps + tap] = channel * paddedPlane + shift
                    }
                }
            }
        }
        return gn_int8_windows(
            padded: scratch, imageBytes: imageBytes, positions: Int32(positions),
            outputWidth: Int32(geometry.output.width), strideHeight: Int32(geometry.stride.height),
            strideWidth: Int32(geometry.stride.width), paddedWidth: Int32(paddedWidth), quads: quads ? 1 : 0,
            tapOffsets: UnsafePointer(offsets))
    }

    /// Copies the images `images` into padded planes (the zero point around them; interleaved
    /// four at a time with `quads`) one after the other at `scratch`, on `workers` workers.
    func pad(_ images: Range<Int>, into scratch: UnsafeMutablePointer<UInt8>, workers: Int) {
        let imageBytes = imagePlanes * geometry.paddedInputSize
        let (input, table, quads) = (input, table, quads)
        let zeroPoint = UInt8(truncatingIfNeeded: requantization.inputZeroPoint)
        let (cWindow, target) = (geometry.cValue, SharedBytes(pointer: scratch))
        let first = images.lowerBound
        parallelFor(images.count, workers: workers) { _, range in
            var window = cWindow
            for index in range {
                let (source, padded) = (input.image(first + index), target.base + index * imageBytes)
                if quads {
                    table.padQuads(source, Int32(input.channels), &window, zeroPoint, padded)
                } else {
                    table.padPlanes(source, Int32(input.channels), &window, zeroPoint, padded)
                }
            }
        }
    }

    /// Columns `columns` of group `group`'s column matrix (from `source`) times its weights,
    /// requantized into the same columns of `target` (`[O/g, *]`, rows `ldc` apart).
    func multiply(
        _ source: ColumnSource, group: Int, columns: Range<Int>, into target: UnsafeMutablePointer<UInt8>, ldc: Int,
        scratch: UnsafeMutablePointer<UInt8>
    ) {
        requantization.withCValue(from: group * groupOutputs) { cRequantization in
            let a = weights[group].base.assumingMemoryBound(to: Int8.self)
            if var value = source.windows {
                value.padded = value.padded + group * depthChannels * geometry.paddedInputSize
                table.windowGemm(
                    a, Int32(groupOutputs), Int32(reduction), &value, Int32(columns.lowerBound), Int32(columns.count),
                    cRequantization, target, ldc, UnsafeMutableRawPointer(scratch))
            } else if let matrix = source.matrix {
                table.gemm(
                    a, Int32(groupOutputs), Int32(reduction), matrix + columns.lowerBound, source.ld,
                    Int32(columns.count), cRequantization, target, ldc, UnsafeMutableRawPointer(scratch))
            }
        }
    }

    /// Output columns `range` of group `group` of image `image`: the int8 GEMM and its
    /// requantization, from the image's input planes (1x1) or from windows whose first image is
    /// `firstImage`.
    func multiply(
        _ source: ColumnSource, image: Int, group: Int, range: Range<Int>, firstImage: Int,
        scratch: UnsafeMutablePointer<UInt8>
    ) {
        let plane = ColumnSource(
            matrix: UnsafePointer(input.plane(image, channel: group * groupChannels)), ld: positions,
            windows: source.windows)
        // Windows number the columns of every image in turn; a plane's start at its image's.
        let first = source.windows == nil ? 0 : (image - firstImage) * positions
        multiply(
            plane, group: group, columns: (first + range.lowerBound)..<(first + range.upperBound),
            into: output.plane(image, channel: group * groupOutputs) + range.lowerBound, ldc: output.planeSize,
            scratch: scratch)
    }
}

/// Convolves each plane of `input` (u8 `[N, C, H, W]`) by its own filter of `weights` over
/// `geometry` into `output` (u8 `[N, C, H', W']`), channel `c` requantized with
/// `requantization`'s entry `c`, walking the channels in `layout` (by default the one
/// `Int8DepthwiseLayout.preferred` picks; channel blocks of filters past their tap limit run as
/// planes): planes or blocks of 16 channels run in parallel. The float layouts' sums are the
/// int32 sums bit for bit: every product and partial sum is an integer below 2^24 (255 · 127 ·
/// taps for up to 518 taps a plane, twice that for up to 259 in channel blocks).
package func int8DepthwiseConvolve(
    _ input: Int8Batch, weights: Int8DepthwiseWeights, geometry: WindowGeometry, requantization: Int8Requantization,
    into output: Int8Batch, workspace: Workspace, instructionSet: Int8InstructionSet = .active,
    layout: Int8DepthwiseLayout? = nil
) {
    let table = Int8Kernels.table(for: instructionSet)
    let cWindow = geometry.cValue
    let channels = input.channels
    let (planeSize, positions, taps) = (input.planeSize, geometry.outputPositions, geometry.taps)
    func aligned(_ count: Int) -> Int { (count + 15) / 16 * 16 }
    var chosen = layout ?? .preferred(for: geometry, on: instructionSet)
    if chosen == .channelBlocks && taps > Int(GN_INT8_DEPTHWISE_MAX_TAPS) { chosen = .planes }
    switch chosen {
    case .dotProducts:
        let planes = input.batch * channels
        let perWorker = (geometry.paddedInputSize + Int(GN_INT8_DOT_MARGIN) + 63) / 64 * 64
        let workers = ComputeThreads.workers(for: planes, work: planes * positions * taps)
        let scratch = SharedBytes(workspace, bytes: perWorker * workers)
        let zeroPoint = UInt8(truncatingIfNeeded: requantization.inputZeroPoint)
        parallelFor(planes, workers: workers, balanced: true) { worker, range in
            var window = cWindow
            let padded = scratch.base + worker * perWorker
            for plane in range {
                let (image, channel) = plane.quotientAndRemainder(dividingBy: channels)
                table.padPlanes(input.plane(image, channel: channel), 1, &window, zeroPoint, padded)
                weights.dots.convolve(
                    padded, channels: 1, geometry: geometry, outputs: channel..<(channel + 1),
                    requantization: requantization, into: output.plane(image, channel: channel), table: table)
            }
        }
    case .channelBlocks:
        let width = Int(GN_INT8_DEPTHWISE_CHANNELS)
        let blocksPerImage = (channels + width - 1) / width
        let blocks = input.batch * blocksPerImage
        let perWorker = withUnsafePointer(to: cWindow) { aligned(gn_int8_depthwise_workspace_size($0)) }
        let workers = ComputeThreads.workers(for: blocks, work: input.batch * channels * positions * taps)
        let scratch = SharedPointer(workspace.floats(perWorker * workers))
        weights.blocks.withUnsafeBufferPointer { packed in
            let packed = SharedPointer(UnsafeMutablePointer(mutating: packed.baseAddress!))
            parallelFor(blocks, workers: workers, balanced: true) { worker, range in
                var window = cWindow
                for index in range {
                    let (image, block) = index.quotientAndRemainder(dividingBy: blocksPerImage)
                    let first = block * width
                    requantization.withCValue(from: first) { blockRequantization in
                        table.depthwiseChannels(
                            input.plane(image, channel: first), planeSize, Int32(Swift.min(width, channels - first)),
                            &window, packed.base + block * taps * width, blockRequantization,
                            scratch.base + worker * perWorker, output.plane(image, channel: first), positions)
                    }
                }
            }
        }
    case .planes:
        let planes = input.batch * channels
        // Each worker's floats: the plane's codes as floats, the sums, the float kernel's scratch,
        // each starting on a 64-byte boundary.
        let (sumsOffset, kernelOffset) = (aligned(planeSize), aligned(planeSize) + aligned(positions))
        let perWorker = kernelOffset + aligned(geometry.depthwiseWorkspaceCount)
        let workers = ComputeThreads.workers(for: planes, work: planes * positions * taps)
        let scratch = SharedPointer(workspace.floats(perWorker * workers))
        let floatTable = Kernels.table(for: instructionSet.floatInstructionSet)
        let (zeroPoint, lower, upper) = (
            Float(requantization.inputZeroPoint), requantization.lower, requantization.upper
        )
        weights.planes.withUnsafeBufferPointer { codes in
            let codes = SharedPointer(UnsafeMutablePointer(mutating: codes.baseAddress!))
            parallelFor(planes, workers: workers, balanced: true) { worker, range in
                var window = cWindow
                let floats = scratch.base + worker * perWorker
                let (sums, kernelScratch) = (floats + sumsOffset, floats + kernelOffset)
                for plane in range {
                    let (image, channel) = plane.quotientAndRemainder(dividingBy: channels)
                    table.dequantize(input.plane(image, channel: channel), planeSize, zeroPoint, 1, floats)
                    floatTable.depthwisePlane(
                        floats, codes.base + channel * taps, 0, -.infinity, .infinity, &window, kernelScratch, sums)
                    table.requantize(
                        sums, positions, requantization.multipliers[channel], requantization.shifts[channel], lower,
                        upper, output.plane(image, channel: channel))
                }
            }
        }
    }
}

/// Bytes of a `Workspace` handed to parallel workers, each using a disjoint part.
struct SharedBytes: @unchecked Sendable {
    /// The first byte.
    let base: UnsafeMutablePointer<UInt8>

    /// At least `bytes` bytes of `workspace`, 64-byte aligned.
    init(_ workspace: Workspace, bytes: Int) {
        let raw = UnsafeMutableRawPointer(workspace.floats((bytes + 3) / 4 + 16))
        base = raw.assumingMemoryBound(to: UInt8.self)
    }

    /// Wraps `pointer`.
    init(pointer: UnsafeMutablePointer<UInt8>) {
        base = pointer
    }
}
