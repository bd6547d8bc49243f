import Foundation

/// Batch normalisation over the channels of an NCHW batch (Ioffe and Szegedy 2015).
///
/// `y = (x − mean[c]) / √(var[c] + ε) · weight[c] + bias[c]`. In inference the running
/// statistics are used, folded into one per-channel scale and shift (one fused pass). In
/// training the batch's own statistics are used and the running ones move towards them:
/// `running = (1 − momentum)·running + momentum·batch` (variance unbiased), as PyTorch does.
///
/// - Input: `[N, C, H, W]` → Output: same shape.
/// - Parameters: `weight [C]` (γ, ones) and `bias [C]` (β, zeros); buffers `runningMean [C]`
///   (zeros) and `runningVariance [C]` (ones), counted in weight bytes, not parameters.
/// - FLOPs: 2 per element (scale and shift); 0 MACs. `Conv2d.folding(_:)` removes it entirely.
///   Backward (training mode only): 7 per element (`batchNormBackward`).
public final class BatchNorm2d: Layer {
    // MARK: Configuration

    /// Channels C.
    public let channels: Int
    /// ε added to the variance.
    public let epsilon: Float
    /// Weight of the newest batch in the running statistics.
    public let momentum: Float

    // MARK: Parameters and buffers

    /// γ, `[C]`.
    public let weight: Parameter
    /// β, `[C]`.
    public let bias: Parameter
    /// Running mean, `[C]`.
    public var runningMean: Tensor
    /// Running (unbiased) variance, `[C]`.
    public var runningVariance: Tensor

    // MARK: State

    /// Training mode: batch statistics, running-average updates, and a cache for `backward(_:)`.
    public var isTraining = false
    private var cache: Cache?

    /// What a training-mode forward pass keeps: its input and the batch statistics it used.
    private struct Cache {
        let input: Tensor
        let mean: Tensor
        let inverseStandardDeviation: Tensor
    }

    /// Creates a batch norm over `channels` channels.
    /// - Throws: `LayerError` when `channels < 1`, `epsilon <= 0` or momentum is outside [0, 1].
    public init(_ channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) throws {
        try LayerValidation.positive(channels, "channels", in: "BatchNorm2d")
        try LayerValidation.within(epsilon, "(0, ∞)", "epsilon", in: "BatchNorm2d") { $0 > 0 && $0.isFinite }
        try LayerValidation.within(momentum, "[0, 1]", "momentum", in: "BatchNorm2d") { $0 >= 0 && $0 <= 1 }
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        weight = Parameter(try Tensor.ones([channels]))
        bias = Parameter(try Tensor.zeros([channels]))
        runningMean = try Tensor.zeros([channels])
        runningVariance = try Tensor.ones([channels])
    }

    /// The inference scale and shift from the running statistics.
    func inferenceAffine() throws -> (scale: Tensor, shift: Tensor) {
        try affine(mean: runningMean.scalars, variance: runningVariance.scalars)
    }

    /// The per-channel scale `γ/√(var + ε)` and shift `β − mean·scale` for `mean` and `variance`.
    func affine(mean: [Float], variance: [Float]) throws -> (scale: Tensor, shift: Tensor) {
        let gamma = weight.value.scalars, beta = bias.value.scalars
        let scale = (0..<channels).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
        let shift = (0..<channels).map { beta[$0] - mean[$0] * scale[$0] }
        return (try Tensor(shape: [channels], scalars: scale), try Tensor(shape: [channels], scalars: shift))
    }

    /// `[N, C, H, W]` → same shape.
    /// - Throws: `LayerError` when the input is not `[N, C, H, W]`, or in training when a
    ///   channel has a single value (no variance to estimate).
    public func forward(_ input: Tensor) throws -> Tensor {
        let image = try LayerValidation.image(input.shape, channels: channels, in: kind)
        let (mean, variance) =
            isTraining
            ? try updateStatistics(input, image: image)
            : (runningMean.scalars, runningVariance.scalars)
        let (scale, shift) = try affine(mean: mean, variance: variance)
        let output = try LayerError.wrapping(kind) { try affineChannels(input, scale: scale, shift: shift) }
        cache = nil
        if isTraining {
            cache = try LayerError.wrapping(kind) {
                Cache(
                    input: input, mean: try Tensor(shape: [channels], scalars: mean),
                    inverseStandardDeviation: try Tensor(
                        shape: [channels], scalars: variance.map { 1 / ($0 + epsilon).squareRoot() }))
            }
        }
        return output
    }

    /// The gradients through the batch statistics (`batchNormBackward`): γ's and β's are
    /// accumulated, the input's returned.
    /// - Parameter outputGradient: `[N, C, H, W]`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: `LayerError` without a training-mode forward pass or for a mis-shaped gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let cache = try LayerValidation.takeCache(&cache, in: kind)
        return try LayerError.wrapping(kind) {
            let gradients = try batchNormBackward(
                outputGradient, input: cache.input, mean: cache.mean,
                inverseStandardDeviation: cache.inverseStandardDeviation, scale: weight.value)
            try gradients.accumulate(into: weight, bias: bias)
            return gradients.input!
        }
    }

    /// The input and batch statistics of the last training-mode forward pass.
    public var trainingCache: TrainingCache? {
        get { cache.map(TrainingCache.init) }
        set { cache = newValue?.contents(as: Cache.self) }
    }

    /// The batch's per-channel mean and biased variance; moves the running statistics.
    private func updateStatistics(
        _ input: Tensor, image: (batch: Int, channels: Int, height: Int, width: Int)
    ) throws -> ([Float], [Float]) {
        let plane = image.height * image.width
        let count = image.batch * plane
        guard count > 1 else {
            throw LayerError(
                kind: kind,
                reason: .invalidState("training needs more than one value per channel, got input \(input.shape)"))
        }
        var mean = [Float](repeating: 0, count: channels), variance = mean
        input.withUnsafeBufferPointer { x in
            for channel in 0..<channels {
                var total: Double = 0, squares: Double = 0
                for image in 0..<image.batch {
                    let start = (image * channels + channel) * plane
                    for index in start..<(start + plane) {
                        total += Double(x[index])
                        squares += Double(x[index]) * Double(x[index])
                    }
                }
                let average = total / Double(count)
                mean[channel] = Float(average)
                variance[channel] = Float(Swift.max(squares / Double(count) - average * average, 0))
            }
        }
        let correction = Float(count) / Float(count - 1)
        runningMean = try LayerError.wrapping(kind) {
            try runningMean * (1 - momentum) + Tensor(shape: [channels], scalars: mean) * momentum
        }
        runningVariance = try LayerError.wrapping(kind) {
            try runningVariance * (1 - momentum) + Tensor(shape: [channels], scalars: variance.map { $0 * correction })
                * momentum
        }
        return (mean, variance)
    }

    /// `weight`, then `bias`.
    public var directParameters: [NamedParameter] {
        [NamedParameter(name: "weight", parameter: weight), NamedParameter(name: "bias", parameter: bias)]
    }

    /// `running_mean`, then `running_var` (PyTorch's state_dict names).
    public var directBuffers: [NamedTensor] {
        [
            NamedTensor(name: "running_mean", value: runningMean),
            NamedTensor(name: "running_var", value: runningVariance),
        ]
    }

    /// Sets `running_mean` or `running_var`.
    /// - Throws: `LayerError` for another name or a shape other than `[channels]`.
    public func setBuffer(named name: String, to value: Tensor) throws {
        guard value.shape == [channels] else {
            throw LayerError.invalidConfiguration(kind, "buffer '\(name)' must be [\(channels)], got \(value.shape)")
        }
        switch name {
        case "running_mean": runningMean = value
        case "running_var": runningVariance = value
        default: throw LayerError.invalidConfiguration(kind, "has no buffer named '\(name)'")
        }
    }
}

extension BatchNorm2d: CostReporting {
    /// 2 FLOPs per element, 7 backward; weight bytes include the two running-statistics buffers.
    /// - Throws: `LayerError` when the input is not `[N, C, H, W]`.
    public func cost(for input: Shape) throws -> LayerCost {
        _ = try LayerValidation.image(input, channels: channels, in: kind)
        let arithmetic = try CostArithmetic(kind: kind, input: input)
        return LayerCost(
            kind: kind, input: input, output: input, parameters: 2 * channels,
            flops: try arithmetic.product("FLOP count", 2, input.elementCount),
            backwardFLOPs: try arithmetic.product("backward FLOP count", 7, input.elementCount),
            weightBytes: 4 * storedFloatCount)
    }
}

extension BatchNorm2d: CustomStringConvertible {
    /// `BatchNorm2d(64)`, with ε and momentum when not the defaults.
    public var description: String {
        var parts = ["\(channels)"]
        if epsilon != 1e-5 { parts.append("epsilon: \(epsilon)") }
        if momentum != 0.1 { parts.append("momentum: \(momentum)") }
        return "BatchNorm2d(" + parts.joined(separator: ", ") + ")"
    }
}

extension BatchNorm2d: InferencePlanning {
    /// The running statistics' per-channel scale and shift, folded into the step before it
    /// when that step has weights and nothing else reads its output.
    /// - Throws: `LayerError` when the input is not `[N, C, H, W]` with this layer's channels.
    public func plan(_ input: PlannedValue, in builder: PlanBuilder) throws -> PlannedValue {
        _ = try LayerValidation.image(input.shape, channels: channels, in: kind)
        let (scale, shift) = try inferenceAffine()
        return try builder.channelAffine(input, scale: scale.scalars, shift: shift.scalars)
    }
}
