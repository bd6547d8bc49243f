import Foundation
import GreenModels

/// The training options `train` and `compress` share (epochs, batch, optimizer and learning
/// rate, seed, threads, a limit on the training images), parsed in one place, and the
/// MNIST-format data they train on.
struct TrainingOptions {
    /// The optimizers `--optimizer` accepts.
    enum OptimizerChoice: String, CaseIterable {
        case adam, sgd

        var defaultLearningRate: Float { self == .adam ? 1e-3 : 1e-2 }

        func make(learningRate: Float) throws -> any Optimizer {
            switch self {
            case .adam: try Adam(learningRate: learningRate)
            case .sgd: try SGD(learningRate: learningRate, momentum: 0.9)
            }
        }
    }

    /// Option names these options use (add them to a command's value options).
    static let valueOptions: Set<String> = ["epochs", "batch", "lr", "optimizer", "seed", "threads", "limit"]

    var epochs = 1
    var batch = 64
    var optimizer = OptimizerChoice.adam
    var learningRate: Float = 1e-3
    var seed: UInt64 = 0
    var threads = ComputeThreads.count
    var limit: Int?

    /// The options as given, with their defaults.
    /// - Throws: `UsageError` for a value out of range.
    static func parse(_ options: Arguments) throws(UsageError) -> TrainingOptions {
        var parsed = TrainingOptions()
        parsed.epochs = try options.integer("epochs", default: 1, in: 1...10_000)
        parsed.batch = try options.integer("batch", default: 64, in: 1...100_000)
        parsed.optimizer = try options.choice("optimizer", default: .adam)
        parsed.learningRate = parsed.optimizer.defaultLearningRate
        if let text = options.value("lr") {
            guard let rate = Float(text), rate.isFinite, rate > 0 else {
                throw UsageError("--lr must be a positive number, got '\(text)'")
            }
            parsed.learningRate = rate
        }
        parsed.seed = UInt64(try options.integer("seed", default: 0, in: 0...Int.max))
        parsed.threads = try options.integer("threads", default: ComputeThreads.count, in: 1...1024)
        parsed.limit = options.value("limit") == nil ? nil : try options.integer("limit", default: 0, in: 1...Int.max)
        return parsed
    }

    /// The name a chart or table gives the IDX data set in `folder`: "Fashion-MNIST" or
    /// "MNIST" when the folder's name says so, else the folder's own name.
    static func dataSetName(_ folder: String) -> String {
        let name = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
        switch name.lowercased() {
        case let lower where lower.contains("fashion"): return "Fashion-MNIST"
        case let lower where lower.contains("mnist"): return "MNIST"
        default: return name
        }
    }

    /// The MNIST-format training set (its first `limit` images) and test set in `folder`.
    /// - Throws: `IDXError` for missing or corrupt files, `UsageError` when a model in `entries`
    ///   takes other images or classes than the data holds.
    func loadData(
        from folder: String, for entries: [ModelZoo.Entry]
    ) throws -> (
        training: ImageDataset, test: ImageDataset
    ) {
        let full = try MNIST.load(from: folder, split: .training)
        let training = try limit.map { try full.prefix($0) } ?? full
        let test = try MNIST.load(from: folder, split: .test)
        for entry in entries where entry.imageShape != training.imageShape || entry.classes != training.classes {
            throw UsageError(
                "\(entry.name) takes \(entry.imageShape) images in \(entry.classes) classes; the data has \(training.imageShape) in \(training.classes)"
            )
        }
        return (training, test)
    }
}
