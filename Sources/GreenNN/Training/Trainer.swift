import Foundation

/// Trains a classifier with mini-batch gradient descent: each epoch shuffles the training set
/// with a generator seeded from (`seed`, epoch), and each step runs the model forward in training
/// mode, evaluates `SoftmaxCrossEntropy` on its logits, runs the backward pass (parameter
/// gradients only for the first layer, `Layer.backwardParameters`), and lets the optimizer update
/// the parameters. After each epoch it measures accuracy on the test set, in inference mode.
///
/// A progress line goes to stderr every `progressInterval` batches and at each epoch's end
/// (replace `progress` to send it elsewhere). GreenNN knows nothing of energy meters: inject
/// `energy`, a closure returning the joules used so far, and the line shows it.
///
/// Long runs lose nothing: with `checkpointDirectory` set, a `TrainingCheckpoint` (weights,
/// optimizer state, position, history) is saved at the end of every epoch, and when
/// `shouldStop` returns true at a batch boundary. `fit(_:test:resumingFrom:)` continues from one
/// and reaches the same weights, bit for bit, as a run that never stopped: every random choice
/// (the shuffle, and the streams of each `ReseedableLayer`) is derived from `seed` and the
/// position, never carried over from earlier batches.
///
/// ```swift
/// let trainer = try Trainer(model: model, optimizer: try Adam(learningRate: 1e-3), epochs: 5, batchSize: 64)
/// trainer.energy = { try? meter.joulesSoFar() }
/// trainer.checkpointDirectory = URL(fileURLWithPath: "runs/lenet5")
/// trainer.shouldStop = { stop.isRequested }           // set by a SIGINT/SIGTERM handler
/// let history = try trainer.fit(train, test: test, resumingFrom: resume)   // resume: URL?
/// print(history.last!.testAccuracy!)
/// ```
public final class Trainer {
    /// The model being trained; its output must be `[N, classes]` logits.
    public let model: any Layer
    /// Updates the parameters after each backward pass.
    public let optimizer: any Optimizer
    /// Sets the optimizer's learning rate before every step, when given.
    public var schedule: (any LearningRateSchedule)?
    /// Passes over the training set.
    public let epochs: Int
    /// Images per training step (the last step of an epoch may have fewer).
    public let batchSize: Int
    /// Seeds the shuffling and the streams of `ReseedableLayer`s, so a run is reproducible.
    public let seed: UInt64
    /// Images per forward pass when measuring accuracy.
    public var evaluationBatchSize = 1000
    /// Batches between progress reports; 0 reports only at the end of each epoch.
    public var progressInterval = 100
    /// Joules used since training started, for the progress line (nil: not shown).
    public var energy: (() -> Double?)?
    /// Receives each progress report; the default writes its `line` to stderr.
    public var progress: (TrainingProgress) -> Void = { report in
        FileHandle.standardError.write(Data((report.line + "\n").utf8))
    }
    /// Where a checkpoint is saved at the end of every epoch and when `shouldStop` stops the run
    /// (created if needed; the previous checkpoint there is replaced). Nil: none is saved.
    public var checkpointDirectory: URL?
    /// Asked before every batch; when it returns true, the trainer saves a checkpoint (with
    /// `checkpointDirectory` set) and throws `TrainingError.interrupted`. A signal handler sets
    /// the flag it reads.
    public var shouldStop: (() -> Bool)?
    /// Strings to keep in each checkpoint (`TrainingCheckpoint.metadata`), such as the energy
    /// used so far; asked each time one is saved.
    public var checkpointMetadata: (() -> [String: String])?

    /// A trainer for `model`.
    /// - Throws: `TrainingError.invalidArgument` when `epochs` or `batchSize` is below 1.
    public init(model: any Layer, optimizer: any Optimizer, epochs: Int, batchSize: Int, seed: UInt64 = 0) throws {
        guard epochs >= 1, batchSize >= 1 else {
            throw TrainingError.invalidArgument(
                "Trainer: epochs and batchSize must be >= 1, got \(epochs) and \(batchSize)")
        }
        self.model = model
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
    }

    /// Trains up to epoch `epochs` and returns one record per epoch.
    /// - Parameters:
    ///   - training: the images learned from.
    ///   - test: the images accuracy is measured on after each epoch, or nil.
    ///   - checkpoint: a checkpoint directory to continue from, or nil to start afresh. Its
    ///     weights, optimizer state and learning rate replace the model's and optimizer's, and
    ///     training goes on from its position; its history opens the result. The trainer's seed,
    ///     batch size and optimizer type, and the training set's size, must be the checkpoint's.
    /// - Returns: the per-epoch history, in order (from epoch 1, including resumed epochs).
    /// - Throws: `TrainingError.nonFiniteLoss` naming the epoch and batch where the loss
    ///   became NaN or infinite, `TrainingError.invalidData` for an empty training set or logits
    ///   that do not fit its classes, `TrainingError.interrupted` when `shouldStop` stopped the
    ///   run, `CheckpointError` for a checkpoint that cannot be read, does not fit, or cannot be
    ///   written, or the model's `LayerError`.
    public func fit(
        _ training: ImageDataset, test: ImageDataset? = nil, resumingFrom checkpoint: URL? = nil
    ) throws -> [EpochRecord] {
        guard training.count >= 1 else { throw TrainingError.invalidData("Trainer: the training set is empty") }
        let named = model.parameters
        let parameters = named.map(\.parameter)
        let batches = (training.count + batchSize - 1) / batchSize
        let reseedable = model.reseedableLayers
        let resumed = try checkpoint.map {
            try restore(from: $0, trainingImages: training.count, batches: batches, parameters: named)
        }
        var history = resumed?.history ?? []
        let firstEpoch = (resumed?.epochsCompleted ?? 0) + 1
        var lastSavedStep: Int?
        func save(epochsCompleted: Int, batchesCompleted: Int, totals: TrainingCheckpoint.EpochTotals?) throws {
            guard let checkpointDirectory else { return }
            let step = epochsCompleted * batches + batchesCompleted
            guard step != lastSavedStep else { return }
            var record = TrainingCheckpoint(
                seed: seed, batchSize: batchSize, trainingImages: training.count, epochs: epochs,
                epochsCompleted: epochsCompleted, batchesCompleted: batchesCompleted, step: step,
                epochTotals: totals, history: history, metadata: checkpointMetadata?() ?? [:])
            try record.write(model: model, optimizer: optimizer, to: checkpointDirectory)
            lastSavedStep = step
        }
        model.train()
        guard firstEpoch <= epochs else { return history }
        for epoch in firstEpoch...epochs {
            let order = Self.shuffledOrder(count: training.count, seed: seed, epoch: epoch)
            let firstBatch = epoch == firstEpoch ? resumed?.batchesCompleted ?? 0 : 0
            let earlier = (epoch == firstEpoch ? resumed?.epochTotals : nil) ?? TrainingCheckpoint.EpochTotals()
            var totals = earlier
            let start = ContinuousClock.now
            for batch in firstBatch..<batches {
                if let shouldStop, shouldStop() {
                    totals.seconds = earlier.seconds + start.secondsUntilNow
                    try save(epochsCompleted: epoch - 1, batchesCompleted: batch, totals: batch == 0 ? nil : totals)
                    throw TrainingError.interrupted(epoch: epoch, batch: batch, checkpoint: checkpointDirectory)
                }
                let indices = order[(batch * batchSize)..<Swift.min(training.count, (batch + 1) * batchSize)]
                let (images, labels) = try training.batch(at: indices)
                if let schedule {
                    optimizer.learningRate = schedule.learningRate(
                        atEpoch: Double(epoch - 1) + Double(batch) / Double(batches))
                }
                for (index, layer) in reseedable.enumerated() {
                    layer.reseed(Self.derivedSeed(seed, 2, UInt64(epoch), UInt64(batch), UInt64(index)))
                }
                for parameter in parameters { parameter.zeroGradient() }
                let logits = try model.forward(images)
                let loss = try SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels)
                guard loss.value.isFinite else {
                    throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batch + 1, loss: loss.value)
                }
                try model.backwardParameters(loss.gradient)
                try optimizer.update(parameters)
                totals.loss += Double(loss.value)
                totals.correct += try Self.correctPredictions(logits, labels)
                totals.seen += labels.count
                if batch == batches - 1 || (progressInterval > 0 && (batch + 1) % progressInterval == 0) {
                    progress(
                        TrainingProgress(
                            epoch: epoch, epochs: epochs, batch: batch + 1, batches: batches,
                            loss: totals.loss / Double(batch + 1),
                            accuracy: Double(totals.correct) / Double(totals.seen),
                            imagesPerSecond: Double(totals.seen) / (earlier.seconds + start.secondsUntilNow),
                            joules: energy?()))
                }
            }
            let seconds = earlier.seconds + start.secondsUntilNow
            let evaluationStart = ContinuousClock.now
            let testAccuracy = try test.map { try accuracy(on: $0) }
            history.append(
                EpochRecord(
                    epoch: epoch, trainingLoss: totals.loss / Double(batches),
                    trainingAccuracy: Double(totals.correct) / Double(totals.seen),
                    testAccuracy: testAccuracy, seconds: seconds,
                    evaluationSeconds: test == nil ? 0 : evaluationStart.secondsUntilNow,
                    imagesPerSecond: Double(totals.seen) / seconds))
            try save(epochsCompleted: epoch, batchesCompleted: 0, totals: nil)
        }
        return history
    }

    /// Loads the checkpoint in `directory` into the model and optimizer, after checking that it
    /// belongs to this run; on any error neither is changed.
    /// - Throws: `CheckpointError` naming the file that is missing, corrupt or does not fit.
    private func restore(
        from directory: URL, trainingImages: Int, batches: Int, parameters: [NamedParameter]
    ) throws -> TrainingCheckpoint {
        let checkpoint = try TrainingCheckpoint.read(from: directory)
        let record = directory.appendingPathComponent(TrainingCheckpoint.fileName).path
        func require(_ fits: Bool, _ reason: @autoclosure () -> String) throws {
            guard fits else { throw CheckpointError.mismatch(path: record, reason: reason()) }
        }
        let kind = TrainingCheckpoint.kind(of: optimizer)
        try require(checkpoint.seed == seed, "it has seed \(checkpoint.seed), the trainer \(seed)")
        try require(
            checkpoint.batchSize == batchSize, "it has batch size \(checkpoint.batchSize), the trainer \(batchSize)")
        try require(
            checkpoint.trainingImages == trainingImages,
            "it was trained on \(checkpoint.trainingImages) images, this training set has \(trainingImages)")
        try require(checkpoint.optimizer == kind, "it holds \(checkpoint.optimizer) state, the trainer has \(kind)")
        try require(
            checkpoint.epochsCompleted >= 0 && checkpoint.history.count == checkpoint.epochsCompleted
                && (0..<batches).contains(checkpoint.batchesCompleted)
                && (checkpoint.batchesCompleted == 0 || checkpoint.epochTotals != nil),
            "its position (\(checkpoint.epochsCompleted) epoch(s) and \(checkpoint.batchesCompleted) batch(es) done, "
                + "\(checkpoint.history.count) record(s)) does not fit \(batches) batches per epoch")
        let modelState = try checkpoint.modelState(in: directory)
        let optimizerStates = try checkpoint.optimizerStates(in: directory)
        let previous = model.stateDictionary
        do {
            try model.loadStateDictionary(modelState)
        } catch {
            throw CheckpointError.mismatch(
                path: directory.appendingPathComponent(checkpoint.modelFile.name).path, reason: "\(error)")
        }
        do {
            try optimizer.restoreStates(optimizerStates, of: parameters)
        } catch {
            _ = try? model.loadStateDictionary(previous)
            throw CheckpointError.mismatch(
                path: directory.appendingPathComponent(checkpoint.optimizerFile.name).path, reason: "\(error)")
        }
        optimizer.learningRate = checkpoint.learningRate
        return checkpoint
    }

    /// The order of the training images in `epoch` (counted from 1): a shuffle by a generator
    /// seeded from (`seed`, epoch) alone, so any epoch can be replayed without the ones before.
    static func shuffledOrder(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var generator = SeededGenerator(seed: derivedSeed(seed, 1, UInt64(epoch)))
        var order = Array(0..<count)
        order.shuffle(using: &generator)
        return order
    }

    /// A seed for one use of the run's randomness, mixed from `seed` and `values` with
    /// SplitMix64's finaliser (Steele, Lea and Flood 2014), so nearby inputs give unrelated seeds.
    /// The first value names the use: 1 the shuffle, 2 a `ReseedableLayer`'s stream.
    static func derivedSeed(_ seed: UInt64, _ values: UInt64...) -> UInt64 {
        func mix(_ value: UInt64) -> UInt64 {
            var z = value &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return values.reduce(mix(seed)) { mix($0 ^ $1) }
    }

    /// The fraction of `data` the model classifies correctly, in inference mode (the model is
    /// back in training mode afterwards if it was before).
    /// - Throws: `TrainingError.invalidData` for an empty set or logits that are not `[N, classes]`,
    ///   or the model's `LayerError`.
    public func accuracy(on data: ImageDataset) throws -> Double {
        guard data.count >= 1 else { throw TrainingError.invalidData("Trainer: the evaluation set is empty") }
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        var correct = 0
        for start in stride(from: 0, to: data.count, by: Swift.max(1, evaluationBatchSize)) {
            let (images, labels) = try data.batch(at: start..<Swift.min(data.count, start + evaluationBatchSize))
            correct += try Self.correctPredictions(try model.forward(images), labels)
        }
        return Double(correct) / Double(data.count)
    }

    /// How many rows of `logits` have their largest value at the label.
    private static func correctPredictions(_ logits: Tensor, _ labels: [Int]) throws -> Int {
        guard logits.shape.rank == 2, logits.shape[0] == labels.count else {
            throw TrainingError.invalidData("Trainer: expected logits [\(labels.count), classes], got \(logits.shape)")
        }
        return zip(try logits.argmax(alongAxis: 1), labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    }
}
