import Foundation

/// Everything `Trainer.fit` needs to continue a run exactly where it stopped, saved in a
/// directory of three files:
///
///     checkpoint.json                  this record (written last)
///     model-step<N>.safetensors        the model's state_dict: parameters and buffers
///                                      ("0.weight", "features.1.running_mean")
///     optimizer-step<N>.safetensors    the optimizer's state, "<parameter path>.<tensor>":
///                                      "0.weight.velocity" (SGD), "0.weight.mean" and
///                                      "0.weight.squares" (Adam, AdamW)
///
/// N is the number of optimizer steps taken, so each checkpoint has its own weight files. Each
/// file is written atomically (`AtomicFile`), the two tensor files first and `checkpoint.json`
/// last, then the older tensor files are removed: whenever the process dies, `checkpoint.json`
/// describes a complete set. It records each file's size and checksum, so a mismatched or
/// truncated set is a `CheckpointError` on resume, never a silent wrong start.
///
/// Besides the files it records the position (epochs completed, and batches of the next one),
/// the running totals of a partly done epoch, the history so far, the optimizer's kind, rate and
/// per-parameter step counts, and the run's seed and batch size. Random numbers need no saved
/// state: the trainer derives each epoch's shuffle, and each batch's stream for
/// `ReseedableLayer`s, from the seed and the position.
///
/// ```swift
/// let checkpoint = try TrainingCheckpoint.read(from: directory)
/// print("resuming after epoch \(checkpoint.epochsCompleted), batch \(checkpoint.batchesCompleted)")
/// let history = try trainer.fit(train, test: test, resumingFrom: directory)
/// ```
public struct TrainingCheckpoint: Codable, Sendable, Equatable {
    /// The running totals of the epoch in progress.
    public struct EpochTotals: Codable, Sendable, Equatable {
        /// The sum of the mini-batch losses so far.
        public var loss: Double
        /// Training images classified correctly so far.
        public var correct: Int
        /// Training images seen so far.
        public var seen: Int
        /// Wall-clock seconds of training steps so far.
        public var seconds: Double

        /// Totals from their values.
        public init(loss: Double = 0, correct: Int = 0, seen: Int = 0, seconds: Double = 0) {
            self.loss = loss
            self.correct = correct
            self.seen = seen
            self.seconds = seconds
        }
    }

    /// One file of the checkpoint, as `checkpoint.json` records it.
    public struct File: Codable, Sendable, Equatable {
        /// The file's name in the checkpoint directory.
        public let name: String
        /// Its size in bytes.
        public let bytes: Int
        /// Its 64-bit FNV-1a hash, 16 hexadecimal digits.
        public let checksum: String

        /// The record of `data`, saved as `name`.
        init(name: String, data: Data) {
            self.name = name
            self.bytes = data.count
            self.checksum = TrainingCheckpoint.checksum(data)
        }
    }

    /// The format version written and read.
    public static let formatVersion = 1
    /// The name of the record in the checkpoint directory.
    public static let fileName = "checkpoint.json"

    /// The format version of this record.
    public internal(set) var format = TrainingCheckpoint.formatVersion
    /// The trainer's seed.
    public internal(set) var seed: UInt64
    /// The trainer's batch size.
    public internal(set) var batchSize: Int
    /// The number of training images (a different training set cannot resume).
    public internal(set) var trainingImages: Int
    /// The epochs the run was asked for.
    public internal(set) var epochs: Int
    /// Epochs finished.
    public internal(set) var epochsCompleted: Int
    /// Batches finished of epoch `epochsCompleted + 1` (0 at an epoch's end).
    public internal(set) var batchesCompleted: Int
    /// Optimizer steps taken since the run began.
    public internal(set) var step: Int
    /// The running totals of epoch `epochsCompleted + 1`, or nil at an epoch's end.
    public internal(set) var epochTotals: EpochTotals?
    /// One record per finished epoch.
    public internal(set) var history: [EpochRecord]
    /// Strings the caller asked to keep (`Trainer.checkpointMetadata`).
    public internal(set) var metadata: [String: String]
    /// The optimizer's type ("SGD", "Adam", "AdamW").
    public internal(set) var optimizer = ""
    /// The optimizer's learning rate when saved.
    public internal(set) var learningRate: Float = 0
    /// The step count of each parameter with optimizer state, by dotted path.
    public internal(set) var optimizerSteps: [String: Int] = [:]
    /// The model's state_dict file.
    public internal(set) var modelFile = File(name: "", data: Data())
    /// The optimizer's state file.
    public internal(set) var optimizerFile = File(name: "", data: Data())

    /// A record of the position; `write(model:optimizer:to:)` fills in the rest.
    init(
        seed: UInt64, batchSize: Int, trainingImages: Int, epochs: Int, epochsCompleted: Int, batchesCompleted: Int,
        step: Int, epochTotals: EpochTotals?, history: [EpochRecord], metadata: [String: String]
    ) {
        self.seed = seed
        self.batchSize = batchSize
        self.trainingImages = trainingImages
        self.epochs = epochs
        self.epochsCompleted = epochsCompleted
        self.batchesCompleted = batchesCompleted
        self.step = step
        self.epochTotals = epochTotals
        self.history = history
        self.metadata = metadata
    }

    // MARK: Writing

    /// Saves the model's state_dict and the optimizer's state, then this record, each file
    /// atomically and in that order, and removes the tensor files of older checkpoints.
    /// - Throws: `CheckpointError.unwritable` naming the file.
    mutating func write(model: any Layer, optimizer: any Optimizer, to directory: URL) throws(CheckpointError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: directory.path, reason: "\(error)")
        }
        let saved = optimizer.savedStates(of: model.parameters)
        var optimizerTensors: [String: Tensor] = [:]
        for (name, state) in saved {
            for (key, tensor) in state.tensors { optimizerTensors[name + "." + key] = tensor }
        }
        self.optimizer = Self.kind(of: optimizer)
        learningRate = optimizer.learningRate
        optimizerSteps = saved.mapValues(\.step)
        let modelData: Data, optimizerData: Data
        do {
            modelData = try SafeTensors.encode(model.stateDictionary)
            optimizerData = try SafeTensors.encode(optimizerTensors)
        } catch {
            throw .unwritable(path: directory.path, reason: "\(error)")
        }
        modelFile = File(name: "model-step\(step).safetensors", data: modelData)
        optimizerFile = File(name: "optimizer-step\(step).safetensors", data: optimizerData)
        try Self.save(modelData, to: directory.appendingPathComponent(modelFile.name))
        try Self.save(optimizerData, to: directory.appendingPathComponent(optimizerFile.name))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let record: Data
        do {
            record = try encoder.encode(self)
        } catch {
            throw .unwritable(path: directory.appendingPathComponent(Self.fileName).path, reason: "\(error)")
        }
        try Self.save(record, to: directory.appendingPathComponent(Self.fileName))
        removeStaleFiles(in: directory)
    }

    /// Writes `data` to `url` atomically.
    private static func save(_ data: Data, to url: URL) throws(CheckpointError) {
        do {
            try AtomicFile.write(data, to: url)
        } catch {
            throw .unwritable(path: url.path, reason: "\(error)")
        }
    }

    /// Removes the tensor files of other checkpoints (older ones, or ones a crash left behind
    /// before their `checkpoint.json` was written). Failing to remove one is harmless.
    private func removeStaleFiles(in directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names
        where (name.hasPrefix("model-step") || name.hasPrefix("optimizer-step")) && name.hasSuffix(".safetensors")
            && name != modelFile.name && name != optimizerFile.name
        {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    // MARK: Reading

    /// Reads `checkpoint.json` in `directory` and checks that both tensor files it names exist
    /// with the recorded sizes (their checksums are checked when they are loaded).
    /// - Throws: `CheckpointError.missingFile`, `.corruptFile` (not JSON, or a file of another
    ///   size) or `.unsupportedFormat`, naming the file.
    public static func read(from directory: URL) throws(CheckpointError) -> TrainingCheckpoint {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .missingFile(path: url.path) }
        struct Version: Decodable { let format: Int }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let version: Int
        do {
            version = try decoder.decode(Version.self, from: data).format
        } catch {
            throw .corruptFile(path: url.path, reason: "not a checkpoint record (\(error))")
        }
        guard version == formatVersion else {
            throw .unsupportedFormat(path: url.path, version: version, supported: formatVersion)
        }
        let checkpoint: TrainingCheckpoint
        do {
            checkpoint = try decoder.decode(TrainingCheckpoint.self, from: data)
        } catch {
            throw .corruptFile(path: url.path, reason: "\(error)")
        }
        for file in [checkpoint.modelFile, checkpoint.optimizerFile] {
            let fileURL = try checkpoint.location(of: file, in: directory)
            guard let handle = try? FileHandle(forReadingFrom: fileURL) else { throw .missingFile(path: fileURL.path) }
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()).map { Int($0) } ?? -1
            guard size == file.bytes else {
                throw .corruptFile(path: fileURL.path, reason: "\(size) bytes, \(fileName) records \(file.bytes)")
            }
        }
        return checkpoint
    }

    /// The model's state_dict, after checking the file's size and checksum.
    /// - Throws: `CheckpointError.missingFile` or `.corruptFile` naming the file.
    func modelState(in directory: URL) throws(CheckpointError) -> [String: Tensor] {
        try tensors(of: modelFile, in: directory)
    }

    /// The optimizer's saved state by parameter path, after checking the file's size and checksum.
    /// - Throws: `CheckpointError.missingFile` or `.corruptFile` naming the file, or `.mismatch`
    ///   for a tensor of a parameter `optimizerSteps` does not list.
    func optimizerStates(in directory: URL) throws(CheckpointError) -> [String: SavedOptimizerState] {
        var result = optimizerSteps.mapValues { SavedOptimizerState(step: $0) }
        for (key, tensor) in try tensors(of: optimizerFile, in: directory) {
            guard let dot = key.lastIndex(of: "."), result[String(key[..<dot])] != nil else {
                throw .mismatch(
                    path: directory.appendingPathComponent(optimizerFile.name).path,
                    reason: "tensor '\(key)' belongs to no parameter listed in \(Self.fileName)")
            }
            result[String(key[..<dot])]!.tensors[String(key[key.index(after: dot)...])] = tensor
        }
        return result
    }

    /// The tensors of `file`, after checking its size and checksum.
    private func tensors(of file: File, in directory: URL) throws(CheckpointError) -> [String: Tensor] {
        let url = try location(of: file, in: directory)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .missingFile(path: url.path) }
        guard data.count == file.bytes else {
            throw .corruptFile(path: url.path, reason: "\(data.count) bytes, \(Self.fileName) records \(file.bytes)")
        }
        let checksum = Self.checksum(data)
        guard checksum == file.checksum else {
            throw .corruptFile(
                path: url.path, reason: "checksum \(checksum), \(Self.fileName) records \(file.checksum)")
        }
        do {
            return try SafeTensors.decode(data)
        } catch {
            throw .corruptFile(path: url.path, reason: "\(error)")
        }
    }

    /// Where `file` lies in `directory`; a name that is empty or leaves the directory is corrupt.
    private func location(of file: File, in directory: URL) throws(CheckpointError) -> URL {
        guard !file.name.isEmpty, !file.name.contains("/"), file.name != "..", file.name != "." else {
            throw .corruptFile(
                path: directory.appendingPathComponent(Self.fileName).path,
                reason: "file name '\(file.name)' is not a plain name")
        }
        return directory.appendingPathComponent(file.name)
    }

    // MARK: Helpers

    /// The optimizer's type name ("Adam"), as recorded.
    static func kind(of optimizer: any Optimizer) -> String {
        String(describing: type(of: optimizer))
    }

    /// The 64-bit FNV-1a hash of `data`, 16 hexadecimal digits.
    static func checksum(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
