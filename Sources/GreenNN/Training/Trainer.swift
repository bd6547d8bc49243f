import Foundation

/// Trains a classifier with mini-batch gradient descent: each epoch shuffles the training set
/// with a seeded generator, and each step runs the model forward in training mode, evaluates
/// `SoftmaxCrossEntropy` on its logits, runs the backward pass (parameter gradients only for
/// the first layer, `Layer.backwardParameters`), and lets the optimizer update the parameters.
/// After each epoch it measures accuracy on the test set, in inference mode.
///
/// A progress line goes to stderr every `progressInterval` batches and at each epoch's end
/// (replace `progress` to send it elsewhere). GreenNN knows nothing of energy meters: inject
/// `energy`, a closure returning the joules used so far, and the line shows it.
///
/// ```swift
/// let trainer = try Trainer(model: model, optimizer: try Adam(learningRate: 1e-3), epochs: 5, batchSize: 64)
/// trainer.energy = { try? meter.joulesSoFar() }
/// let history = try trainer.fit(train, test: test)
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
    /// Seeds the shuffling, so a run is reproducible.
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

    /// Trains for `epochs` epochs and returns one record per epoch.
    /// - Parameters:
    ///   - training: the images learned from.
    ///   - test: the images accuracy is measured on after each epoch, or nil.
    /// - Returns: the per-epoch history, in order.
    /// - Throws: `TrainingError.nonFiniteLoss` naming the epoch and batch where the loss
    ///   became NaN or infinite, `TrainingError.invalidData` for an empty training set or logits
    ///   that do not fit its classes, or the model's `LayerError`.
    public func fit(_ training: ImageDataset, test: ImageDataset? = nil) throws -> [EpochRecord] {
        guard training.count >= 1 else { throw TrainingError.invalidData("Trainer: the training set is empty") }
        let parameters = model.parameters.map(\.parameter)
        let batches = (training.count + batchSize - 1) / batchSize
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<training.count)
        var history: [EpochRecord] = []
        model.train()
        for epoch in 1...epochs {
            order.shuffle(using: &generator)
            let start = ContinuousClock.now
            var (lossTotal, correct, seen) = (0.0, 0, 0)
            for batch in 0..<batches {
                let indices = order[(batch * batchSize)..<Swift.min(training.count, (batch + 1) * batchSize)]
                let (images, labels) = try training.batch(at: indices)
                if let schedule {
                    optimizer.learningRate = schedule.learningRate(
                        atEpoch: Double(epoch - 1) + Double(batch) / Double(batches))
                }
                for parameter in parameters { parameter.zeroGradient() }
                let logits = try model.forward(images)
                let loss = try SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels)
                guard loss.value.isFinite else {
                    throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batch + 1, loss: loss.value)
                }
                try model.backwardParameters(loss.gradient)
                try optimizer.update(parameters)
                lossTotal += Double(loss.value)
                correct += try Self.correctPredictions(logits, labels)
                seen += labels.count
                if batch == batches - 1 || (progressInterval > 0 && (batch + 1) % progressInterval == 0) {
                    progress(
                        TrainingProgress(
                            epoch: epoch, epochs: epochs, batch: batch + 1, batches: batches,
                            loss: lossTotal / Double(batch + 1), accuracy: Double(correct) / Double(seen),
                            imagesPerSecond: Double(seen) / Self.seconds(since: start), joules: energy?()))
                }
            }
            let seconds = Self.seconds(since: start)
            let evaluationStart = ContinuousClock.now
            let testAccuracy = try test.map { try accuracy(on: $0) }
            history.append(
                EpochRecord(
                    epoch: epoch, trainingLoss: lossTotal / Double(batches),
                    trainingAccuracy: Double(correct) / Double(seen),
                    testAccuracy: testAccuracy, seconds: seconds,
                    evaluationSeconds: test == nil ? 0 : Self.seconds(since: evaluationStart),
                    imagesPerSecond: Double(seen) / seconds))
        }
        return history
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

    /// Seconds elapsed since `start`.
    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
