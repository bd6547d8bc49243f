import Testing

@testable import GreenNN

/// `Trainer`: it learns a small synthetic classification, reports progress and a per-epoch
/// history, is reproducible from its seed, applies a schedule, and stops with an error naming
/// the epoch and batch when the loss stops being finite.
@Suite struct TrainerTests {
    /// Three Gaussian-ish blobs in 2-D (centres (2, 0), (−1, 1.7), (−1, −1.7), spread 0.5):
    /// `count` points as `[count, 2]` with labels 0, 1, 2 in turn.
    static func blobs(count: Int, seed: UInt64) throws -> ImageDataset {
        let centres: [(Float, Float)] = [(2, 0), (-1, 1.7), (-1, -1.7)]
        let noise = randomTensor([count, 2], seed: seed, in: -0.5..<0.5).scalars
        var values: [Float] = []
        for index in 0..<count {
            let centre = centres[index % 3]
            values += [centre.0 + noise[2 * index], centre.1 + noise[2 * index + 1]]
        }
        return try ImageDataset(
            images: Tensor(shape: [count, 2], scalars: values), labels: (0..<count).map { $0 % 3 }, classes: 3)
    }

    static func model(seed: UInt64 = 601) throws -> Sequential {
        var random = generator(seed)
        return try Sequential {
            try Linear(2, 8, using: &random); ReLU(); try Linear(8, 3, using: &random)
        }
    }

    @Test func learnsASeparableProblem() throws {
        let trainer = try Trainer(
            model: try Self.model(), optimizer: try Adam(learningRate: 0.05), epochs: 8, batchSize: 16)
        trainer.progress = { _ in }
        let history = try trainer.fit(try Self.blobs(count: 192, seed: 602), test: try Self.blobs(count: 96, seed: 603))
        #expect(history.map(\.epoch) == Array(1...8))
        let last = try #require(history.last)
        #expect(try #require(last.testAccuracy) >= 0.98, "test accuracy \(String(describing: last.testAccuracy))")
        #expect(last.trainingLoss < history[0].trainingLoss)
        #expect(
            history.allSatisfy { $0.seconds > 0 && $0.imagesPerSecond > 0 && (0...1).contains($0.trainingAccuracy) })
    }

    @Test func sameSeedSameHistory() throws {
        func run(seed: UInt64) throws -> [Double] {
            let trainer = try Trainer(
                model: try Self.model(), optimizer: try SGD(learningRate: 0.1, momentum: 0.9), epochs: 3, batchSize: 10,
                seed: seed)
            trainer.progress = { _ in }
            return try trainer.fit(try Self.blobs(count: 60, seed: 604)).map(\.trainingLoss)
        }
        #expect(try run(seed: 7) == run(seed: 7))
        #expect(try run(seed: 7) != run(seed: 8), "another seed shuffles differently")
    }

    @Test func reportsProgressWithTheInjectedEnergy() throws {
        let trainer = try Trainer(
            model: try Self.model(), optimizer: try SGD(learningRate: 0.1), epochs: 2, batchSize: 10)
        var reports: [TrainingProgress] = []
        var joules = 0.0
        trainer.progressInterval = 2
        trainer.energy = {
            joules += 1.5
            return joules
        }
        trainer.progress = { reports.append($0) }
        _ = try trainer.fit(try Self.blobs(count: 45, seed: 605))
        // 5 batches per epoch: reports after batches 2, 4 and 5 (the epoch's end).
        #expect(reports.map(\.batch) == [2, 4, 5, 2, 4, 5] && reports.allSatisfy { $0.batches == 5 && $0.epochs == 2 })
        #expect(reports.map(\.joules) == [1.5, 3, 4.5, 6, 7.5, 9])
        #expect(
            reports[0].line.hasPrefix("epoch 1/2  batch 2/5  loss ") && reports[0].line.hasSuffix(" images/s  1.5 J"))
    }

    @Test func scheduleSetsTheLearningRate() throws {
        let optimizer = try SGD(learningRate: 1)
        let trainer = try Trainer(model: try Self.model(), optimizer: optimizer, epochs: 2, batchSize: 30)
        trainer.schedule = try StepDecay(initial: 0.2, stepEpochs: 1, factor: 0.5)
        trainer.progress = { _ in }
        _ = try trainer.fit(try Self.blobs(count: 60, seed: 606))
        #expect(optimizer.learningRate == 0.1, "the last step is in the second epoch")
    }

    @Test func aNonFiniteLossNamesTheEpochAndBatch() throws {
        let data = try Self.blobs(count: 30, seed: 607)
        var values = data.images.scalars
        values[0] = .nan
        let poisoned = try ImageDataset(
            images: Tensor(shape: data.images.shape, scalars: values), labels: data.labels, classes: 3)
        let trainer = try Trainer(
            model: try Self.model(), optimizer: try SGD(learningRate: 0.1), epochs: 3, batchSize: 30)
        trainer.progress = { _ in }
        let error = #expect(throws: TrainingError.self) { _ = try trainer.fit(poisoned) }
        guard case let .nonFiniteLoss(epoch, batch, loss)? = error else {
            Issue.record("expected nonFiniteLoss, got \(String(describing: error))")
            return
        }
        #expect(epoch == 1 && batch == 1 && loss.isNaN)
        let message = TrainingError.nonFiniteLoss(epoch: 2, batch: 117, loss: .infinity).description
        #expect(
            message
                == "training diverged at epoch 2, batch 117: the loss is inf; lower the learning rate or check the data"
        )
    }

    @Test func accuracyRunsInInferenceModeAndRestoresTheMode() throws {
        var random = generator(608)
        let dropout = try Dropout(probability: 0.9, seed: 1)
        let model = try Sequential {
            try Linear(2, 3, using: &random); dropout
        }
        let trainer = try Trainer(model: model, optimizer: try SGD(learningRate: 0.1), epochs: 1, batchSize: 8)
        model.train()
        let data = try Self.blobs(count: 30, seed: 609)
        #expect(try trainer.accuracy(on: data) == trainer.accuracy(on: data), "no dropout mask in inference")
        #expect(dropout.isTraining)
    }

    @Test func rejectsInvalidSettings() throws {
        #expect(throws: TrainingError.invalidArgument("Trainer: epochs and batchSize must be >= 1, got 0 and 64")) {
            _ = try Trainer(model: try Self.model(), optimizer: try Adam(), epochs: 0, batchSize: 64)
        }
    }
}
