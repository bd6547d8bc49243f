import Foundation
import GreenEnergy
import GreenModels

/// greenbench compress MODEL [--data DIR] [--weights W] [--energy X,… | --rank R,…] [--scope PATH]
///                     [--epochs N] [--finetune N] [training options] [--latency-batch N] [--runs N]
///                     [--format text|markdown|csv|json] [--out DIR] [--resume DIR] [energy options]
///
/// Low-rank (truncated SVD) compression of a trained model, measured: trains the model on
/// MNIST-format data (or loads --weights, or keeps random weights), then for each energy level or
/// rank compresses a copy (every Linear and 1x1 conv under --scope), optionally fine-tunes it,
/// and prints test accuracy, parameters, MACs, measured latency and joules before and after,
/// with each level's per-layer report. Every training stage (the model's, each level's
/// fine-tuning) checkpoints into `<out>/checkpoints/<stage>` at the end of every epoch and on
/// SIGINT or SIGTERM (then exits 130 or 143); `--resume DIR` continues from them.
struct CompressCommand: Command {
    static let name = "compress"
    static let summary = "low-rank SVD compression: accuracy, params, MACs, latency and joules before and after"
    static let usage = """
        usage: greenbench compress MODEL [--data DIR] [--weights W] [--energy X,... | --rank R,...] [--scope PATH]
                                   [--epochs N] [--finetune N] [--batch N] [--lr X] [--optimizer adam|sgd] [--seed N]
                                   [--limit N] [--threads N] [--latency-batch N] [--runs N]
                                   [--format text|markdown|csv|json] [--out DIR] [--resume DIR] [energy options]

          MODEL              a zoo model (greenbench models lists them)
          --data DIR         MNIST IDX folder: train there (unless --weights) and measure test accuracy
          --weights W        start from these safetensors weights instead of training
          --energy X,...     spectral-energy fractions to keep, one compressed copy each (default 0.9)
          --rank R,...       fixed ranks instead (capped at each layer's min(out, in))
          --scope PATH       compress and time only the layer at this path (e.g. classifier; default: the model)
          --epochs N         training epochs before compression (default 1)
          --finetune N       epochs of fine-tuning after compression (default 0)
          --batch N          training batch (default 64)
          --lr X             learning rate (default 0.001 for adam, 0.01 for sgd; fine-tuning uses a tenth)
          --optimizer O      adam (default) or sgd
          --seed N           seeds the weights and the shuffling (default 0)
          --limit N          train on the first N training images only
          --threads N        compute threads (default: all cores)
          --latency-batch N  batch of the timed forward passes (default 1)
          --runs N           timed forward passes, at least (default 20; runs continue to 1 s)
          --format F         text (default), markdown, csv or json
          --out DIR          where each training stage checkpoints (checkpoints/STAGE, every epoch and on
                             Ctrl-C; default greenbench-compress)
          --resume DIR       continue an interrupted run from the checkpoints in DIR, same options
        \(EnergyOptions.usage)
        """

    /// How the compressed copies are made.
    enum Levels {
        case energies([Double])
        case ranks([Int])

        var selections: [RankSelection] {
            switch self {
            case let .energies(values): values.map { .energy($0) }
            case let .ranks(values): values.map { .rank($0) }
            }
        }

        static func parse(_ options: Arguments) throws(UsageError) -> Levels {
            switch (options.value("energy"), options.value("rank")) {
            case (.some, .some): throw UsageError("give --energy or --rank, not both")
            case let (.some(text), nil):
                let values = text.split(separator: ",").map { Double($0) }
                guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 2) <= 1 }) else {
                    throw UsageError("--energy must be fractions in (0, 1] separated by commas, got '\(text)'")
                }
                return .energies(values.map { $0! })
            case let (nil, .some(text)):
                let values = text.split(separator: ",").map { Int($0) }
                guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                    throw UsageError("--rank must be positive integers separated by commas, got '\(text)'")
                }
                return .ranks(values.map { $0! })
            case (nil, nil): return .energies([0.9])
            }
        }
    }

    /// One measured model: the baseline or a compressed copy.
    struct Row {
        let label: String
        let accuracy: Double?
        let accuracyBeforeFineTuning: Double?
        let cost: LayerCost
        let timing: Timing
        let energy: EnergyReport
        let imagesTimed: Int
        let report: CompressionReport?

        var joulesPerImage: Double { energy.joules / Double(imagesTimed) }
    }

    static func run(_ arguments: [String]) throws {
        let parsed = try Arguments(
            arguments,
            valueOptions: Set([
                "data", "weights", "energy", "rank", "scope", "finetune", "latency-batch", "runs", "format", "out",
                "resume",
            ])
            .union(TrainingOptions.valueOptions)
            .union(EnergyOptions.valueOptions),
            flagOptions: EnergyOptions.flagOptions)
        guard parsed.positionals.count == 1 else {
            throw UsageError("expects exactly one model name, got \(parsed.positionals.count) (see greenbench models)")
        }
        let entry = try ModelOptions.entry(parsed.positionals[0])
        let levels = try Levels.parse(parsed)
        let scope = parsed.value("scope") ?? ""
        guard scope.isEmpty || !scope.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
        else {
            throw UsageError("--scope must be a dotted path without empty parts (e.g. classifier.0), got '\(scope)'")
        }
        let training = try TrainingOptions.parse(parsed)
        let fineTuning = try parsed.integer("finetune", default: 0, in: 0...10_000)
        let latencyBatch = try parsed.integer("latency-batch", default: 1, in: 1...100_000)
        let runs = try parsed.integer("runs", default: 20, in: 1...100_000)
        let format: OutputFormat = try parsed.choice("format", default: .text)
        let meter = try EnergyOptions.meter(parsed)
        try ComputeThreads.set(training.threads)
        if let resume = parsed.value("resume"), let out = parsed.value("out"), out != resume {
            throw UsageError("--resume continues in its own folder; give --out only with the same folder")
        }
        let out = parsed.value("resume") ?? parsed.value("out") ?? "greenbench-compress"

        var data: (training: ImageDataset, test: ImageDataset)?
        if let folder = parsed.value("data") {
            Console.progress("compress: loading \(folder)")
            data = try training.loadData(from: folder, for: [entry])
        }
        let model = try entry.model(seed: training.seed)
        guard model.sublayer(at: scope) != nil else {
            throw UsageError(
                "\(entry.name) has no layer at --scope '\(scope)' (greenbench table \(entry.name) lists them)")
        }
        func fit(_ model: Sequential, epochs: Int, rate: Float, label: String) throws {
            guard let data else { return }
            let trainer = try Trainer(
                model: model, optimizer: try training.optimizer.make(learningRate: rate), epochs: epochs,
                batchSize: training.batch, seed: training.seed)
            trainer.progress = { Console.progress("compress: \(label) " + $0.line) }
            _ = try CheckpointedTraining.fit(
                trainer, on: data.training,
                directory: URL(fileURLWithPath: out).appendingPathComponent("checkpoints").appendingPathComponent(
                    label.replacingOccurrences(of: " ", with: "-")), resume: parsed.value("resume") != nil,
                resumeHint: out, meter: meter)
            model.eval()
        }
        func accuracy(_ model: Sequential) throws -> Double? {
            guard let data else { return nil }
            return try Trainer(
                model: model, optimizer: try training.optimizer.make(learningRate: 1), epochs: 1, batchSize: 1
            )
            .accuracy(on: data.test)
        }
        if let weights = parsed.value("weights") {
            try model.loadWeights(from: weights)
        } else if data != nil {
            Console.progress("compress: training \(entry.name) for \(training.epochs) epoch(s)")
            try fit(model, epochs: training.epochs, rate: training.learningRate, label: entry.name)
        } else {
            Console.progress("compress: no --data or --weights: random weights, accuracy not measured")
        }
        model.eval()
        let state = model.stateDictionary

        func measure(_ model: Sequential, label: String, report: CompressionReport?, before: Double?) throws -> Row {
            let layer = model.sublayer(at: scope)!
            let input = try model.cost(for: entry.input(batch: latencyBatch)).rowsByPath[scope]!.input
            var generator = SeededGenerator(seed: 7)
            let sample = try Tensor.uniform(input, in: -1..<1, using: &generator)
            Console.progress("compress: timing \(label) on \(input)")
            for _ in 0..<3 { _ = try layer(sample) }
            let (timing, energy) = try meter.measure {
                try Timing.measure(warmup: 0, minimumRuns: runs, minimumSeconds: 1) { _ = try layer(sample) }
            }
            let perImage = try layer.cost(for: Shape([1] + input.dimensions.dropFirst()))
            return Row(
                label: label, accuracy: try accuracy(model), accuracyBeforeFineTuning: before, cost: perImage,
                timing: timing, energy: energy, imagesTimed: timing.samples.count * latencyBatch, report: report)
        }

        var rows = [try measure(model, label: "baseline", report: nil, before: nil)]
        for selection in levels.selections {
            let copy = try entry.model(seed: training.seed)
            try copy.loadStateDictionary(state)
            copy.eval()
            Console.progress("compress: factorising \(entry.name)\(scope.isEmpty ? "" : " " + scope) at \(selection)")
            let report = try copy.compressLowRank(keeping: selection, input: entry.input(batch: 1), under: scope)
            var before: Double?
            if fineTuning > 0, data != nil {
                before = try accuracy(copy)
                try fit(copy, epochs: fineTuning, rate: training.learningRate / 10, label: "\(selection)")
            }
            rows.append(try measure(copy, label: "\(selection)", report: report, before: before))
        }
        print(
            try render(
                rows, format: format, model: entry.name, scope: scope, latencyBatch: latencyBatch,
                fineTuning: fineTuning, energySource: meter.description))
    }

    /// The summary table and each level's per-layer report, or one JSON document.
    static func render(
        _ rows: [Row], format: OutputFormat, model: String, scope: String, latencyBatch: Int, fineTuning: Int,
        energySource: String
    ) throws -> String {
        let baseline = rows[0]
        if format == .json {
            return try JSON.string([
                "command": "compress", "model": model, "scope": scope, "latencyBatch": latencyBatch,
                "fineTuningEpochs": fineTuning, "energySource": energySource,
                "rows": rows.map { row in
                    [
                        "label": row.label, "testAccuracy": row.accuracy ?? NSNull(),
                        "testAccuracyBeforeFineTuning": row.accuracyBeforeFineTuning ?? NSNull(),
                        "parameters": row.cost.parameters, "macsPerImage": row.cost.macs,
                        "medianSeconds": row.timing.median, "p10Seconds": row.timing.p10,
                        "p90Seconds": row.timing.p90, "joulesPerImage": row.joulesPerImage,
                        "layers": (row.report?.rows ?? []).map { layer in
                            [
                                "path": layer.path, "kind": layer.kind, "rank": layer.rank ?? NSNull(),
                                "fullRank": layer.fullRank, "parametersBefore": layer.parametersBefore,
                                "parametersAfter": layer.parametersAfter, "macsBefore": layer.macsBefore,
                                "macsAfter": layer.macsAfter, "relativeError": layer.relativeError ?? NSNull(),
                                "replaced": layer.replaced, "reason": layer.reason,
                            ] as [String: Any]
                        },
                    ] as [String: Any]
                },
            ])
        }
        func percent(_ value: Double?) -> String { value.map { Format.fixed(100 * $0, 2) } ?? "--" }
        var table = Table(
            headers: [
                "model", "test acc %", "acc before fine-tune %", "params", "params x", "MACs/image", "median ms",
                "p10-p90 ms", "speed-up x", "J/image",
            ], rows: [])
        for row in rows {
            table.rows.append([
                row.label, percent(row.accuracy), percent(row.accuracyBeforeFineTuning),
                Format.grouped(row.cost.parameters),
                Format.fixed(Double(baseline.cost.parameters) / Double(max(row.cost.parameters, 1)), 2),
                Format.grouped(row.cost.macs), Format.fixed(1000 * row.timing.median, 3),
                Format.fixed(1000 * row.timing.p10, 3) + "-" + Format.fixed(1000 * row.timing.p90, 3),
                Format.fixed(baseline.timing.median / row.timing.median, 2), Format.scientific(row.joulesPerImage),
            ])
        }
        let setting =
            "\(model)\(scope.isEmpty ? "" : " (scope: \(scope))"), latency batch \(latencyBatch), "
            + "\(ComputeThreads.count) thread(s), fine-tuning \(fineTuning) epoch(s); energy source: \(energySource)"
        if format == .csv { return table.appendingColumn("energy source", energySource).rendered(as: .csv) }
        let reports = rows.compactMap { $0.report.map(String.init(describing:)) }
        return ([table.rendered(as: format), setting] + reports).joined(separator: "\n\n")
    }
}
