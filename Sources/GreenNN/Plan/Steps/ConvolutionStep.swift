/// A convolution in a plan: a 3x3 stride-1 conv by Winograd F(4x4, 3x3), another dense or
/// grouped conv through im2col and a GEMM (no im2col for a 1x1), a dense conv of an input with
/// few channels (a network's first) or a depthwise conv through a direct kernel. The GEMMs run on OpenBLAS's sgemm or on GreenNN's packed micro-kernels with the
/// weights packed at bind time. The following BatchNorm's scale is folded into the weights (then
/// transformed, for Winograd, and packed); its shift, the bias and any clamp run as the output
/// is stored.
final class ConvolutionStep: FinishingStep {
    /// How the step computes the convolution.
    enum Algorithm {
        /// im2col (skipped for 1x1) and OpenBLAS's sgemm.
        case gemm
        /// im2col (skipped for 1x1) and the packed micro-kernels, bias and clamp in their stores.
        case packedGEMM
        /// The direct per-channel kernel (`groups == C == O`).
        case depthwise
        /// Winograd F(4x4, 3x3), its 36 products on OpenBLAS's sgemm.
        case winograd
        /// Winograd F(4x4, 3x3), its 36 products on the packed micro-kernels.
        case packedWinograd
        /// One image at a time, transposed (positions x output channels) on the packed
        /// micro-kernels, the weights streamed once: deep layers on small planes.
        case streamingWeights
        /// The im2col matrices of several images side by side, one packed GEMM per worker:
        /// small planes in a batch.
        case imagesSideBySide
        /// The direct kernel for inputs with few channels: 8 output channels by a run of an
        /// output row in registers across every tap, no im2col.
        case direct
    }

    /// The weights in the layout the algorithm reads.
    private enum Prepared {
        case plain(PackedFloats)
        case packed(PackedMatrix)
        case winograd(PackedFloats)
        case packedWinograd([PackedMatrix])
        case transposed(PackedFloats)
        case direct(DirectConvolutionWeights)

        var floats: Int {
            switch self {
            case let .plain(weights), let .winograd(weights), let .transposed(weights): weights.count
            case let .direct(weights): weights.count
            case let .packed(matrix): matrix.count
            case let .packedWinograd(matrices): matrices.reduce(0) { $0 + $1.count }
            }
        }
    }

    var origin: PlanStepOrigin
    let inputs: [PlannedValue]
    let output: PlannedValue
    var finish = ChannelFinish()
    /// The layer's weights `[O, C/groups·kH·kW]`, as the model holds them.
    let weight: [Float]
    /// Its bias, or nil.
    let bias: [Float]?
    /// Its groups.
    let groups: Int
    /// Its window.
    let geometry: WindowGeometry
    /// The algorithms that can compute this conv, the shape's choice first.
    let candidates: [Algorithm]
    /// The algorithm it runs.
    private(set) var algorithm: Algorithm
    /// The most threads it runs on: nil for `ComputeThreads.count`, 1 where timing showed a
    /// second worker costs more than it saves.
    private(set) var workers: Int?
    private var folded: (weights: [Float], shift: PackedFloats?) = ([], nil)
    private var prepared: Prepared?
    private var operands: ConvolutionOperands?

    /// A conv of `input` by `weight` `[O, C/groups, kH, kW]` over `geometry`, into `output`.
    init(
        origin: PlanStepOrigin, input: PlannedValue, output: PlannedValue, weight: Tensor, bias: Tensor?,
        groups: Int, geometry: WindowGeometry
    ) {
        self.origin = origin
        self.inputs = [input]
        self.output = output
        self.weight = weight.scalars
        self.bias = bias?.scalars
        self.groups = groups
        self.geometry = geometry
        let (batch, channels, outputChannels) = (input.shape[0], input.shape[1], output.shape[1])
        if groups > 1 && groups == channels && groups == outputChannels {
            candidates = [.depthwise]
        } else if groups > 1 {
            candidates = [.gemm]
        } else {
            // The packed micro-kernels first where OpenBLAS may be pinned to a narrower core.
            let packedFirst = KernelInstructionSet.active == .avx512
            var direct: [Algorithm] = packedFirst ? [.packedGEMM, .gemm] : [.gemm, .packedGEMM]
            if batch > 1 {
                direct.insert(.imagesSideBySide, at: geometry.outputPositions < 256 ? 0 : direct.count)
            }
            // The direct kernel first for wide planes on AVX-512 (its tiles are up to 48 positions
            // of a row; AVX2's 8 are slower than im2col and the packed GEMM on MobileNet's first conv).
            if channels <= directConvolutionChannels && !geometry.isPointwise {
                direct.insert(.direct, at: packedFirst && geometry.output.width >= 32 ? 0 : direct.count)
            }
            if geometry.outputPositions < outputChannels {
                let streams = geometry.outputPositions <= 64 && outputChannels >= 64 && batch <= 4
                direct.insert(.streamingWeights, at: streams ? 0 : direct.count)
            }
            let winograd: [Algorithm] = packedFirst ? [.packedWinograd, .winograd] : [.winograd, .packedWinograd]
            if !Self.allowsWinograd(geometry, groups: groups) {
                candidates = direct
            } else if Self.suitsWinograd(geometry, batch: batch, channels: channels, outputChannels: outputChannels) {
                candidates = winograd + direct
            } else {
                candidates = direct + winograd
            }
        }
        algorithm = candidates[0]
    }

    /// Whether Winograd F(4x4, 3x3) can run: a dense 3x3, stride-1, undilated conv.
    static func allowsWinograd(_ geometry: WindowGeometry, groups: Int) -> Bool {
        groups == 1 && geometry.kernel == 3 && geometry.stride == 1 && geometry.dilation == 1
    }

    /// Whether Winograd F(4x4, 3x3) is expected to pay: at least 8 input and output channels
    /// (below that its transforms cost more than the GEMMs they save), a plane of at least 6x6
    /// outputs (smaller planes waste most of each 4x4 tile), and 64 tiles in the batch (fewer
    /// make its GEMMs too thin to run fast). `KernelSelection.measured` times it instead.
    static func suitsWinograd(_ geometry: WindowGeometry, batch: Int, channels: Int, outputChannels: Int) -> Bool {
        let tiles = batch * ((geometry.output.height + 3) / 4) * ((geometry.output.width + 3) / 4)
        return channels >= 8 && outputChannels >= 8 && geometry.output.height >= 6 && geometry.output.width >= 6
            && tiles >= 64
    }

    var kernel: String {
        workers == 1 ? algorithmName + ", 1 thread" : algorithmName
    }

    private var algorithmName: String {
        switch algorithm {
        case .depthwise: "depthwise direct"
        case .direct: "direct (few channels)"
        case .winograd: "winograd F(4x4,3x3) sgemm"
        case .packedWinograd: "winograd F(4x4,3x3) packed"
        case .streamingWeights: geometry.isPointwise ? "weight-streaming GEMM (1x1)" : "im2col+weight-streaming GEMM"
        case .imagesSideBySide: "im2col+packed GEMM (images side by side)"
        case .packedGEMM where geometry.isPointwise: "packed GEMM (1x1)"
        case .packedGEMM: "im2col+packed GEMM"
        case .gemm where geometry.isPointwise && groups == 1: "sgemm (1x1)"
        case .gemm: groups == 1 ? "im2col+sgemm" : "im2col+sgemm (\(groups) groups)"
        }
    }

    var modelMACs: Int { weight.count / Swift.max(1, output.shape[1]) * output.shape.elementCount }

    /// For Winograd, 36·C·O per 4x4 tile; otherwise the model's MACs.
    var executedMACs: Int {
        guard algorithm == .winograd || algorithm == .packedWinograd else { return modelMACs }
        let tiles = ((geometry.output.height + 3) / 4) * ((geometry.output.width + 3) / 4)
        return output.shape[0] * tiles * 36 * inputs[0].shape[1] * output.shape[1]
    }

    /// Whether it is a depthwise conv (`groups == C == O`), which only the direct kernel computes.
    var isDepthwise: Bool { candidates == [.depthwise] }

    /// The operands of a depthwise conv on the direct kernel, for a `DepthwisePairStep` to run;
    /// nil for another algorithm or before binding.
    var depthwiseOperands: ConvolutionOperands? { algorithm == .depthwise ? operands : nil }

    var preparedFloats: Int { (prepared?.floats ?? 0) + (folded.shift?.count ?? 0) }

    func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {
        let outputChannels = output.shape[1]
        let (weights, shift) = finish.folding(weights: weight, rowLength: weight.count / outputChannels, bias: bias)
        folded = (weights, shift.map(PackedFloats.init))
        let (source, target) = (resolve(inputs[0]), resolve(output))
        operands = ConvolutionOperands(
            input: source.base, inputImageStride: source.imageStride, weight: source.base, scale: nil,
            shift: folded.shift.map { UnsafePointer($0.base) }, lower: finish.lower, upper: finish.upper,
            output: target.base, outputImageStride: target.imageStride, batch: source.batch,
            channels: source.channels, outputChannels: outputChannels, groups: groups, geometry: geometry)
        pack()
    }

    /// Prepares the folded weights in the layout `algorithm` reads.
    private func pack() {
        let (outputChannels, channels) = (output.shape[1], inputs[0].shape[1])
        let rowLength = folded.weights.count / outputChannels
        folded.weights.withUnsafeBufferPointer { buffer in
            let weights = buffer.baseAddress!
            switch algorithm {
            case .gemm, .depthwise:
                prepared = .plain(PackedFloats(folded.weights))
            case .packedGEMM, .imagesSideBySide:
                prepared = .packed(
                    PackedMatrix(weights, rows: outputChannels, columns: rowLength, leadingDimension: rowLength))
            case .direct:
                prepared = .direct(
                    DirectConvolutionWeights(weights, outputChannels: outputChannels, taps: rowLength))
            case .streamingWeights:
                prepared = .transposed(
                    PackedFloats(count: rowLength * outputChannels) { transposed in
                        for row in 0..<outputChannels {
                            for column in 0..<rowLength {
                                transposed[column * outputChannels + row] = weights[row * rowLength + column]
                            }
                        }
                    })
            case .winograd, .packedWinograd:
                let transformed = PackedFloats(count: 36 * outputChannels * channels) {
                    winogradWeights4x4(weights, outputChannels: outputChannels, inputChannels: channels, into: $0)
                }
                prepared =
                    algorithm == .winograd
                    ? .winograd(transformed)
                    : .packedWinograd(
                        (0..<36).map { k in
                            PackedMatrix(
                                transformed.base + k * outputChannels * channels, rows: outputChannels,
                                columns: channels, leadingDimension: channels)
                        })
            }
        }
        operands?.packedWeight = nil
        switch prepared {
        case let .plain(weights): operands?.weight = weights.base
        case let .packed(matrix): operands?.packedWeight = matrix
        default: break
        }
    }

    /// Every candidate algorithm, on all threads and (where there are more) on one.
    var kernelChoices: Int { candidates.count * threadChoices.count }

    /// All threads first, then one.
    private var threadChoices: [Int?] { ComputeThreads.count > 1 ? [nil, 1] : [nil] }

    func onAllThreads(_ choice: Int) -> Int { choice - choice % threadChoices.count }

    func selectKernel(_ choice: Int) {
        let (candidate, threads) = choice.quotientAndRemainder(dividingBy: threadChoices.count)
        workers = threadChoices[threads]
        guard candidates[candidate] != algorithm || prepared == nil else { return }
        algorithm = candidates[candidate]
        pack()
    }

    func run(workspace: Workspace) throws {
        ComputeThreads.withWorkers(workers) { compute(workspace: workspace) }
    }

    private func compute(workspace: Workspace) {
        guard let operands, let prepared else { return }
        switch prepared {
        case .plain, .packed:
            switch algorithm {
            case .depthwise: convolveDepthwise(operands, workspace: workspace)
            case .imagesSideBySide: convolveSmallPlanes(operands, workspace: workspace)
            default: convolve(operands, workspace: workspace)
            }
        case let .winograd(transformed):
            winogradConvolve(
                operands, weights: .plain(SharedPointer(transformed.base)), workspace: workspace)
        case let .packedWinograd(matrices):
            winogradConvolve(operands, weights: .packed(matrices), workspace: workspace)
        case let .transposed(weights):
            convolveStreamingWeights(operands, transposedWeight: weights.base, workspace: workspace)
        case let .direct(weights):
            convolveDirect(operands, weights: weights, workspace: workspace)
        }
    }
}
