import Foundation
import Testing

@testable import GreenNN

/// `TrainingCheckpoint` and resuming `Trainer.fit`: a run stopped after an epoch or in the
/// middle of one, and resumed with a fresh model, optimizer and trainer, ends with the same
/// weights, bit for bit, and the same losses as a run that never stopped; a schedule goes on at
/// the right rate; and a checkpoint that is missing, damaged or written by another run is a
/// `CheckpointError` naming the file.
///
/// Equality is exact: the resumed run performs the same float operations in the same order on
/// the same bits (safetensors stores F32 bit patterns, the JSON record round-trips doubles).
@Suite struct TrainingCheckpointTests {
    /// The optimizers whose state a checkpoint carries.
    enum OptimizerKind: String, CaseIterable, Sendable, CustomStringConvertible {
        case sgd, sgdWithoutMomentum, adam, adamW

        func make() throws -> any Optimizer {
            switch self {
            case .sgd: try SGD(learningRate: 0.1, momentum: 0.9)
            case .sgdWithoutMomentum: try SGD(learningRate: 0.1)
            case .adam: try Adam(learningRate: 0.05)
            case .adamW: try AdamW(learningRate: 0.05)
            }
        }

        var description: String { rawValue }
    }

    /// Adds uniform noise in [−0.5, 0.5) in training mode, from a stream the trainer reseeds:
    /// stands in for Dropout, to show that layer randomness resumes exactly.
    final class Jitter: ReseedableLayer {
        var isTraining = false
        private var generator = SeededGenerator(seed: 0)

        func reseed(_ seed: UInt64) { generator = SeededGenerator(seed: seed) }

        func forward(_ input: Tensor) throws -> Tensor {
            guard isTraining else { return input }
            var noise = [Float](repeating: 0, count: input.elementCount)
            for index in noise.indices { noise[index] = Float(generator.next() >> 40) * 0x1p-24 - 0.5 }
            return try input + Tensor(shape: input.shape, scalars: noise)
        }

        func backward(_ outputGradient: Tensor) throws -> Tensor { outputGradient }
        func cost(for input: Shape) throws -> LayerCost { LayerCost(kind: kind, input: input, output: input) }
        var description: String { "Jitter()" }
    }

    /// Records every rate it is asked for, as `StepDecay(initial: 0.2, stepEpochs: 1, factor: 0.5)`.
    final class RecordingSchedule: LearningRateSchedule {
        var epochs: [Double] = []
        let decay = try! StepDecay(initial: 0.2, stepEpochs: 1, factor: 0.5)

        func learningRate(atEpoch epoch: Double) -> Float {
            epochs.append(epoch)
            return decay.learningRate(atEpoch: epoch)
        }
    }

    /// 60 points, 6 batches of 10 per epoch.
    static let data = try! TrainerTests.blobs(count: 60, seed: 611)

    /// A fresh directory under the temporary folder, removed by `body`'s end.
    static func withDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "greennn-checkpoint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    /// A trainer of a fresh model (weights from `modelSeed`) and optimizer, silent.
    static func trainer(
        _ kind: OptimizerKind, epochs: Int, modelSeed: UInt64 = 601, jitter: Bool = false
    ) throws -> Trainer {
        var random = generator(modelSeed)
        let model = try Sequential {
            try Linear(2, 8, using: &random)
            if jitter { Jitter() }
            ReLU()
            try Linear(8, 3, using: &random)
        }
        let trainer = try Trainer(model: model, optimizer: try kind.make(), epochs: epochs, batchSize: 10, seed: 7)
        trainer.progress = { _ in }
        return trainer
    }

    /// Every tensor of the model's state_dict, as plain arrays for exact comparison.
    static func weights(_ trainer: Trainer) -> [String: [Float]] {
        trainer.model.stateDictionary.mapValues(\.scalars)
    }

    /// Runs `body`, expecting a `CheckpointError`, and returns it.
    static func checkpointError(_ body: () throws -> Void) -> CheckpointError? {
        do {
            try body()
        } catch let error as CheckpointError {
            return error
        } catch {
            Issue.record("expected a CheckpointError, got \(error)")
            return nil
        }
        Issue.record("expected a CheckpointError, nothing was thrown")
        return nil
    }

    // MARK: Exact resume

    @Test(arguments: OptimizerKind.allCases)
    func resumingAfterAnEpochReachesTheUninterruptedWeights(_ kind: OptimizerKind) throws {
        let uninterrupted = try Self.trainer(kind, epochs: 2)
        let expected = try uninterrupted.fit(Self.data)
        try Self.withDirectory { directory in
            let first = try Self.trainer(kind, epochs: 1)
            first.checkpointDirectory = directory
            _ = try first.fit(Self.data)
            let resumed = try Self.trainer(kind, epochs: 2, modelSeed: 999)
            let history = try resumed.fit(Self.data, resumingFrom: directory)
            #expect(Self.weights(resumed) == Self.weights(uninterrupted))
            #expect(history.map(\.epoch) == [1, 2])
            #expect(history.map(\.trainingLoss) == expected.map(\.trainingLoss))
            #expect(history.map(\.trainingAccuracy) == expected.map(\.trainingAccuracy))
        }
    }

    /// Stopped before batch `stopBefore` (counted over the whole run from 0): 3 is in epoch 1,
    /// 8 is batch 2 of epoch 2, 6 is the boundary between the epochs.
    @Test(arguments: [3, 6, 8])
    func resumingMidEpochReachesTheUninterruptedWeightsAndLosses(stopBefore: Int) throws {
        let uninterrupted = try Self.trainer(.adam, epochs: 3, jitter: true)
        let expected = try uninterrupted.fit(Self.data)
        try Self.withDirectory { directory in
            let first = try Self.trainer(.adam, epochs: 3, jitter: true)
            var polls = 0
            first.checkpointDirectory = directory
            first.shouldStop = {
                polls += 1
                return polls > stopBefore
            }
            #expect(
                throws: TrainingError.interrupted(
                    epoch: stopBefore / 6 + 1, batch: stopBefore % 6, checkpoint: directory)
            ) {
                _ = try first.fit(Self.data)
            }
            let checkpoint = try TrainingCheckpoint.read(from: directory)
            #expect(checkpoint.step == stopBefore && checkpoint.history.count == stopBefore / 6)
            let resumed = try Self.trainer(.adam, epochs: 3, modelSeed: 999, jitter: true)
            let history = try resumed.fit(Self.data, resumingFrom: directory)
            #expect(Self.weights(resumed) == Self.weights(uninterrupted))
            #expect(history.map(\.trainingLoss) == expected.map(\.trainingLoss))
            #expect(history.map(\.trainingAccuracy) == expected.map(\.trainingAccuracy))
        }
    }

    @Test func aScheduleGoesOnAtTheRightRate() throws {
        let uninterrupted = try Self.trainer(.sgd, epochs: 3)
        let plan = RecordingSchedule()
        uninterrupted.schedule = plan
        _ = try uninterrupted.fit(Self.data)
        try Self.withDirectory { directory in
            let first = try Self.trainer(.sgd, epochs: 3)
            first.schedule = RecordingSchedule()
            first.checkpointDirectory = directory
            var polls = 0
            first.shouldStop = {
                polls += 1
                return polls > 9
            }
            #expect(throws: TrainingError.self) { _ = try first.fit(Self.data) }
            let resumed = try Self.trainer(.sgd, epochs: 3, modelSeed: 999)
            let rest = RecordingSchedule()
            resumed.schedule = rest
            _ = try resumed.fit(Self.data, resumingFrom: directory)
            #expect(rest.epochs == Array(plan.epochs.dropFirst(9)), "from epoch 1.5 (batch 3 of epoch 2) on")
            #expect(resumed.optimizer.learningRate == 0.05 && uninterrupted.optimizer.learningRate == 0.05)
            #expect(Self.weights(resumed) == Self.weights(uninterrupted))
        }
    }

    @Test func withoutAScheduleTheSavedRateIsRestored() throws {
        try Self.withDirectory { directory in
            let first = try Self.trainer(.sgd, epochs: 1)
            first.checkpointDirectory = directory
            _ = try first.fit(Self.data)
            let resumed = try Trainer(
                model: try TrainerTests.model(), optimizer: try SGD(learningRate: 3, momentum: 0.9), epochs: 1,
                batchSize: 10, seed: 7)
            _ = try resumed.fit(Self.data, resumingFrom: directory)
            #expect(resumed.optimizer.learningRate == 0.1)
        }
    }

    @Test func resumingAFinishedRunReturnsItsHistory() throws {
        try Self.withDirectory { directory in
            let first = try Self.trainer(.adam, epochs: 2)
            first.checkpointDirectory = directory
            let expected = try first.fit(Self.data)
            let resumed = try Self.trainer(.adam, epochs: 2, modelSeed: 999)
            #expect(try resumed.fit(Self.data, resumingFrom: directory) == expected)
            #expect(Self.weights(resumed) == Self.weights(first))
        }
    }

    // MARK: Layout

    @Test func theDirectoryHoldsTheRecordAndTheLatestTensorFiles() throws {
        try Self.withDirectory { directory in
            let trainer = try Self.trainer(.adam, epochs: 2)
            trainer.checkpointDirectory = directory
            trainer.checkpointMetadata = { ["model": "blobs"] }
            _ = try trainer.fit(Self.data)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(names == ["checkpoint.json", "model-step12.safetensors", "optimizer-step12.safetensors"])
            let checkpoint = try TrainingCheckpoint.read(from: directory)
            #expect(
                checkpoint.epochsCompleted == 2 && checkpoint.batchesCompleted == 0 && checkpoint.epochTotals == nil)
            #expect(checkpoint.optimizer == "Adam" && checkpoint.metadata == ["model": "blobs"])
            #expect(checkpoint.optimizerSteps == ["0.weight": 12, "0.bias": 12, "2.weight": 12, "2.bias": 12])
            let optimizer = try SafeTensors.read(
                from: directory.appendingPathComponent(checkpoint.optimizerFile.name).path)
            #expect(
                optimizer.keys.sorted() == [
                    "0.bias.mean", "0.bias.squares", "0.weight.mean", "0.weight.squares", "2.bias.mean",
                    "2.bias.squares", "2.weight.mean", "2.weight.squares",
                ])
            let model = try SafeTensors.read(from: directory.appendingPathComponent(checkpoint.modelFile.name).path)
            #expect(model.mapValues(\.scalars) == Self.weights(trainer))
        }
    }

    // MARK: Errors

    /// A checkpoint after one epoch of Adam in a fresh directory, and the directory.
    static func withCheckpoint(_ body: (URL, TrainingCheckpoint) throws -> Void) throws {
        try withDirectory { directory in
            let trainer = try Self.trainer(.adam, epochs: 1)
            trainer.checkpointDirectory = directory
            _ = try trainer.fit(Self.data)
            try body(directory, try TrainingCheckpoint.read(from: directory))
        }
    }

    @Test func aMissingTensorFileIsNamed() throws {
        try Self.withCheckpoint { directory, checkpoint in
            let path = directory.appendingPathComponent(checkpoint.modelFile.name).path
            try FileManager.default.removeItem(atPath: path)
            let error = Self.checkpointError {
                _ = try Self.trainer(.adam, epochs: 2).fit(Self.data, resumingFrom: directory)
            }
            #expect(error == .missingFile(path: path))
        }
    }

    @Test func aMissingRecordIsNamed() throws {
        try Self.withDirectory { directory in
            let error = Self.checkpointError { _ = try TrainingCheckpoint.read(from: directory) }
            #expect(error == .missingFile(path: directory.appendingPathComponent("checkpoint.json").path))
        }
    }

    @Test func aTruncatedOrAlteredTensorFileIsCorrupt() throws {
        try Self.withCheckpoint { directory, checkpoint in
            let url = directory.appendingPathComponent(checkpoint.optimizerFile.name)
            let original = try Data(contentsOf: url)
            try original.prefix(original.count / 2).write(to: url)
            let truncated = Self.checkpointError {
                _ = try Self.trainer(.adam, epochs: 2).fit(Self.data, resumingFrom: directory)
            }
            guard case let .corruptFile(path, reason)? = truncated else {
                Issue.record("expected corruptFile, got \(String(describing: truncated))")
                return
            }
            #expect(path == url.path && reason.contains("bytes"), "\(reason)")
            var altered = original
            altered[altered.count - 1] ^= 0x01
            try altered.write(to: url)
            let error = Self.checkpointError {
                _ = try Self.trainer(.adam, epochs: 2).fit(Self.data, resumingFrom: directory)
            }
            #expect(error.map { "\($0)" }?.contains("checksum") == true, "\(String(describing: error))")
        }
    }

    @Test func anotherFormatVersionIsRejected() throws {
        try Self.withCheckpoint { directory, _ in
            let url = directory.appendingPathComponent("checkpoint.json")
            var record = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            record["format"] = 2
            try JSONSerialization.data(withJSONObject: record).write(to: url)
            let error = Self.checkpointError { _ = try TrainingCheckpoint.read(from: directory) }
            #expect(error == .unsupportedFormat(path: url.path, version: 2, supported: 1))
        }
    }

    @Test func aModelOfOtherShapesIsAMismatchAndLoadsNothing() throws {
        try Self.withCheckpoint { directory, checkpoint in
            var random = generator(612)
            let model = try Sequential {
                try Linear(2, 6, using: &random); ReLU(); try Linear(6, 3, using: &random)
            }
            let before = model.stateDictionary.mapValues(\.scalars)
            let trainer = try Trainer(model: model, optimizer: try Adam(), epochs: 2, batchSize: 10, seed: 7)
            let error = Self.checkpointError { _ = try trainer.fit(Self.data, resumingFrom: directory) }
            guard case let .mismatch(path, reason)? = error else {
                Issue.record("expected mismatch, got \(String(describing: error))")
                return
            }
            #expect(path == directory.appendingPathComponent(checkpoint.modelFile.name).path)
            #expect(reason.contains("0.weight: expected [6, 2], got [8, 2]"), "\(reason)")
            #expect(model.stateDictionary.mapValues(\.scalars) == before)
        }
    }

    @Test func anotherOptimizerSeedOrBatchSizeIsAMismatch() throws {
        try Self.withCheckpoint { directory, _ in
            let record = directory.appendingPathComponent("checkpoint.json").path
            let sgd = Self.checkpointError {
                _ = try Self.trainer(.sgd, epochs: 2).fit(Self.data, resumingFrom: directory)
            }
            #expect(sgd == .mismatch(path: record, reason: "it holds Adam state, the trainer has SGD"))
            let seed = Self.checkpointError {
                let trainer = try Trainer(
                    model: try TrainerTests.model(), optimizer: try Adam(), epochs: 2, batchSize: 10, seed: 8)
                _ = try trainer.fit(Self.data, resumingFrom: directory)
            }
            #expect(seed == .mismatch(path: record, reason: "it has seed 7, the trainer 8"))
            let batch = Self.checkpointError {
                let trainer = try Trainer(
                    model: try TrainerTests.model(), optimizer: try Adam(), epochs: 2, batchSize: 20, seed: 7)
                _ = try trainer.fit(Self.data, resumingFrom: directory)
            }
            #expect(batch == .mismatch(path: record, reason: "it has batch size 10, the trainer 20"))
        }
    }

    @Test func optimizerStateOfAnotherShapeIsRejectedAndNothingChanges() throws {
        let optimizer = try Adam()
        let parameter = Parameter(try Tensor.zeros([2, 3]))
        parameter.gradient = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        try optimizer.update([parameter])
        let named = [NamedParameter(name: "0.weight", parameter: parameter)]
        let saved = optimizer.savedStates(of: named)
        #expect(saved["0.weight"]?.step == 1 && saved["0.weight"]?.tensors.keys.sorted() == ["mean", "squares"])
        var wrong = saved
        wrong["0.weight"]!.tensors["mean"] = try Tensor.zeros([3, 2])
        #expect(
            throws: TrainingError.invalidData("0.weight: Adam: state tensor 'mean' must be [2, 3], got [3, 2]")
        ) {
            try optimizer.restoreStates(wrong, of: named)
        }
        #expect(optimizer.states.state(for: parameter)?.step == 1)
        let fresh = try Adam()
        try fresh.restoreStates(saved, of: named)
        #expect(
            fresh.states.state(for: parameter)?.mean.scalars == optimizer.states.state(for: parameter)?.mean.scalars)
    }
}
