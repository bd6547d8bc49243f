import Foundation
import GreenEnergy
import GreenModels

/// greenbench train MODEL... --data DIR [--epochs N] [--batch N] [--lr X] [--optimizer sgd|adam]
///                  [--seed N] [--threads N] [--limit N] [--format text|markdown|csv|json] [--out DIR]
///                  [--resume DIR] [energy options]
///
/// Trains each model on MNIST-format data and reports, one row per model: test accuracy,
/// parameters, MACs per image, training time (and per epoch, and images/s), the joules and CO2e
/// of the training span from a GreenEnergy meter (with its source), and the joules of one test
/// inference. Writes results.json (with every epoch's loss, accuracy and time) and
/// accuracy-vs-macs.svg into --out. Progress goes to stderr. Each model checkpoints into
/// `<out>/checkpoints/<model>` at the end of every epoch and on SIGINT or SIGTERM (then exits
/// 130 or 143); `--resume DIR` continues every model from its checkpoint in DIR, reaching the
/// weights and results an uninterrupted run with the same seed reaches.
struct TrainCommand: Command {
    static let name = "train"
    static let summary = "train models on MNIST: test accuracy beside training time, joules and CO2e"
    static let usage = """
        usage: greenbench train MODEL... --data DIR [--epochs N] [--batch N] [--lr X] [--optimizer sgd|adam]
                                [--seed N] [--threads N] [--limit N] [--format text|markdown|csv|json] [--out DIR]
                                [--resume DIR] [energy options]

          MODEL...         zoo models taking 1x28x28 images (lenet5 and its variants; greenbench models lists them)
          --data DIR       folder with the four MNIST IDX files, raw or .gz (e.g. ../shared/data/mnist)
          --epochs N       passes over the training set (default 1)
          --batch N        images per step (default 64)
          --lr X           learning rate (default 0.001 for adam, 0.01 for sgd)
          --optimizer O    adam (default) or sgd (momentum 0.9)
          --seed N         seeds the weights and the shuffling (default 0)
          --threads N      compute threads (default: all cores)
          --limit N        train on the first N training images only, for quick runs
          --format F       text (default), markdown, csv or json
          --out DIR        where results.json, results.csv, report.html, accuracy-vs-macs.svg and the
                           per-model checkpoints (checkpoints/MODEL, every epoch and on Ctrl-C) go
                           (default greenbench-train)
          --resume DIR     continue an interrupted run from the checkpoints in DIR (its --out), with
                           the same models, data and options; finished models are not retrained
        \(EnergyOptions.usage)
        """

    /// The parsed command line, defaults in one place.
    struct Options {
        var models: [ModelZoo.Entry] = []
        var data = ""
        var training = TrainingOptions()
        var format = OutputFormat.text
        var out = "greenbench-train"
        var resume = false

        static func parse(_ options: Arguments) throws -> Options {
            var parsed = Options()
            guard !options.positionals.isEmpty else { throw UsageError("expects at least one model (e.g. lenet5)") }
            parsed.models = try options.positionals.map { try ModelOptions.entry($0) }
            guard let data = options.value("data") else {
                throw UsageError(
                    "--data DIR is required (a folder with the MNIST IDX files, e.g. ../shared/data/mnist)")
            }
            parsed.data = data
            parsed.training = try TrainingOptions.parse(options)
            parsed.format = try options.choice("format", default: .text)
            parsed.out = options.value("out") ?? parsed.out
            if let resume = options.value("resume") {
                guard options.value("out") == nil || options.value("out") == resume else {
                    throw UsageError("--resume continues in its own folder; give --out only with the same folder")
                }
                parsed.out = resume
                parsed.resume = true
            }
            return parsed
        }
    }

    /// One model's training run.
    struct Result {
        let model: String
        let cost: LayerCost
        let history: [EpochRecord]
        let testAccuracy: Double
        let training: EnergyReport
        let evaluation: EnergyReport
        let testImages: Int

        var trainingSeconds: Double { history.reduce(0) { $0 + $1.seconds } }
        var imagesPerSecond: Double { history.reduce(0) { $0 + $1.imagesPerSecond * $1.seconds } / trainingSeconds }
        var joulesPerInference: Double { evaluation.joules / Double(testImages) }
    }

    static func run(_ arguments: [String]) throws {
        let parsed = try Arguments(
            arguments,
            valueOptions: Set(["data", "format", "out", "resume"]).union(TrainingOptions.valueOptions)
                .union(EnergyOptions.valueOptions),
            flagOptions: EnergyOptions.flagOptions)
        let options = try Options.parse(parsed)
        let meter = try EnergyOptions.meter(parsed)
        try ComputeThreads.set(options.training.threads)
        Console.progress("train: loading \(options.data)")
        let (training, test) = try options.training.loadData(from: options.data, for: options.models)
        var results: [Result] = []
        for entry in options.models {
            results.append(try train(entry, training: training, test: test, options: options, meter: meter))
        }
        print(try render(results, options: options, energySource: meter.description))
        try write(results, options: options, energySource: meter.description)
        Console.progress("train: wrote \(options.out)/results.json, results.csv, report.html and accuracy-vs-macs.svg")
    }

    /// Trains `entry` from fresh seeded weights, then measures test accuracy and its energy.
    static func train(
        _ entry: ModelZoo.Entry, training: ImageDataset, test: ImageDataset, options: Options, meter: any EnergyMeter
    ) throws -> Result {
        let model = try entry.model(seed: options.training.seed)
        let trainer = try Trainer(
            model: model, optimizer: try options.training.optimizer.make(learningRate: options.training.learningRate),
            epochs: options.training.epochs,
            batchSize: options.training.batch, seed: options.training.seed)
        trainer.progress = { Console.progress("train: \(entry.name) " + $0.line) }
        Console.progress(
            "train: \(entry.name), \(training.count) images, \(options.training.epochs) epoch(s), batch \(options.training.batch), "
                + "\(options.training.optimizer.rawValue) lr \(options.training.learningRate), \(options.training.threads) thread(s)"
        )
        let (history, trainingReport) = try CheckpointedTraining.fit(
            trainer, on: training,
            directory: URL(fileURLWithPath: options.out).appendingPathComponent("checkpoints")
                .appendingPathComponent(entry.name), resume: options.resume, resumeHint: options.out, meter: meter)
        let (accuracy, evaluationReport) = try meter.measure { try trainer.accuracy(on: test) }
        Console.progress("train: \(entry.name) test accuracy \(Format.fixed(100 * accuracy, 2))%")
        return Result(
            model: entry.name, cost: try model.cost(for: entry.input(batch: 1)), history: history,
            testAccuracy: accuracy,
            training: trainingReport, evaluation: evaluationReport, testImages: test.count)
    }

    /// The results table (one row per model) and the per-epoch table, or the JSON document.
    static func render(_ results: [Result], options: Options, energySource: String) throws -> String {
        if options.format == .json {
            return try JSON.string(document(results, options: options, energySource: energySource))
        }
        let (summary, epochs) = tables(results)
        let setting =
            "\(TrainingOptions.dataSetName(options.data)) (\(options.data)), batch \(options.training.batch), "
            + "\(options.training.optimizer.rawValue) lr \(options.training.learningRate), seed \(options.training.seed), "
            + "\(options.training.threads) thread(s) on \(Host.description); energy source: \(energySource)"
        // CSV stays two plain tables, each row carrying the energy source; text and Markdown say the settings in between.
        let sections =
            options.format == .csv
            ? [summary.appendingColumn("energy source", energySource), epochs].map { $0.rendered(as: .csv) }
            : [summary.rendered(as: options.format), setting, epochs.rendered(as: options.format)]
        return sections.joined(separator: "\n\n")
    }

    /// The results table (one row per model) and the per-epoch table.
    static func tables(_ results: [Result]) -> (summary: Table, epochs: Table) {
        var summary = Table(
            headers: [
                "model", "test acc %", "params", "MACs/image", "train s", "s/epoch", "images/s", "train J",
                "train gCO2e", "J/test image",
            ], rows: [])
        var epochs = Table(headers: ["model", "epoch", "loss", "train acc %", "s", "images/s"], rows: [])
        for result in results {
            summary.rows.append([
                result.model, Format.fixed(100 * result.testAccuracy, 2), Format.grouped(result.cost.parameters),
                Format.grouped(result.cost.macs), Format.fixed(result.trainingSeconds, 2),
                Format.fixed(result.trainingSeconds / Double(result.history.count), 2),
                Format.fixed(result.imagesPerSecond, 0),
                Format.fixed(result.training.joules, 1), Format.scientific(result.training.gramsCO2e),
                Format.scientific(result.joulesPerInference),
            ])
            for record in result.history {
                epochs.rows.append([
                    result.model, "\(record.epoch)", Format.fixed(record.trainingLoss, 4),
                    Format.fixed(100 * record.trainingAccuracy, 2), Format.fixed(record.seconds, 2),
                    Format.fixed(record.imagesPerSecond, 0),
                ])
            }
        }
        return (summary, epochs)
    }

    /// Everything measured, for results.json.
    static func document(_ results: [Result], options: Options, energySource: String) -> [String: Any] {
        [
            "command": "train", "data": options.data, "dataSet": TrainingOptions.dataSetName(options.data),
            "machine": Host.description, "epochs": options.training.epochs,
            "batch": options.training.batch,
            "optimizer": options.training.optimizer.rawValue, "learningRate": Double(options.training.learningRate),
            "seed": Int(options.training.seed),
            "threads": options.training.threads, "limit": options.training.limit ?? NSNull(),
            "energySource": energySource,
            "models": results.map { result in
                [
                    "model": result.model, "testAccuracy": result.testAccuracy, "parameters": result.cost.parameters,
                    "macsPerImage": result.cost.macs, "backwardMACsPerImage": result.cost.backwardMACs,
                    "trainingSeconds": result.trainingSeconds, "imagesPerSecond": result.imagesPerSecond,
                    "trainingJoules": result.training.joules, "trainingGramsCO2e": result.training.gramsCO2e,
                    "trainingCPUSeconds": result.training.cpuSeconds, "joulesPerTestImage": result.joulesPerInference,
                    "testImages": result.testImages,
                    "epochs": result.history.map { record in
                        [
                            "epoch": record.epoch, "loss": record.trainingLoss,
                            "trainingAccuracy": record.trainingAccuracy,
                            "seconds": record.seconds, "imagesPerSecond": record.imagesPerSecond,
                        ] as [String: Any]
                    },
                ] as [String: Any]
            },
        ]
    }

    /// results.json, results.csv, the accuracy-against-MACs chart and report.html in `--out`,
    /// each saved atomically.
    static func write(_ results: [Result], options: Options, energySource: String) throws {
        let folder = try ReportFolder(creating: options.out)
        try folder.save(
            "results.json", JSON.string(document(results, options: options, energySource: energySource)) + "\n")
        let (summary, epochs) = tables(results)
        try folder.save("results.csv", summary.appendingColumn("energy source", energySource).rendered(as: .csv) + "\n")
        let chart = accuracyChart(results, options: options)
        try folder.save("accuracy-vs-macs.svg", chart)
        let dataSet = TrainingOptions.dataSetName(options.data)
        var page = HTMLPage(title: "GreenNN training report: \(dataSet), \(Host.description)")
        page.paragraph(
            "\(options.training.epochs) epoch(s), batch \(options.training.batch), \(options.training.optimizer.rawValue) "
                + "lr \(options.training.learningRate), seed \(options.training.seed), \(options.training.threads) thread(s). "
                + "Energy source: \(energySource).")
        page.heading("Models")
        page.table(summary)
        page.heading("Epochs")
        page.table(epochs)
        page.chart(chart)
        try folder.save("report.html", page.rendered)
    }

    /// Test accuracy against MACs per image, one labelled point per model, baselines as rings;
    /// the title names the data set, the epochs and the machine.
    static func accuracyChart(_ results: [Result], options: Options) -> String {
        let baselines = Set(options.models.compactMap(\.baseline))
        return SVGChart.scatter(
            title: "\(TrainingOptions.dataSetName(options.data)) test accuracy against MACs per image "
                + "(\(options.training.epochs) epoch(s)), \(Host.description)",
            xLabel: "MACs per image", yLabel: "test accuracy %",
            points: results.enumerated().map { index, result in
                SVGChart.Point(
                    x: Double(result.cost.macs), y: 100 * result.testAccuracy, label: result.model, series: index,
                    baseline: baselines.contains(result.model))
            },
            seriesNames: results.map(\.model), logarithmic: false)
    }
}
