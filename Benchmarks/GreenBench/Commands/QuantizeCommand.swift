import Foundation
import GreenEnergy
import GreenModels

/// greenbench quantize MODEL [--weights W] [--data DIR] [--calibrate N] [--method minmax|percentile[:P]]
///                      [--latency-batch N] [--runs N] [--threads N] [training options] [--format F] [energy options]
///
/// Post-training int8 quantization of a model, float against int8 side by side: trains the model
/// on MNIST-format data (or loads --weights, or keeps random weights), calibrates the activation
/// ranges on N training images (random inputs without --data), and prints for the float plan and
/// the int8 plan: test accuracy, top-1 agreement and logit cosine similarity with the float model,
/// weight bytes, median latency and joules per image. `--steps` adds each plan's steps with
/// their kernels and median times; `--cost` the int8 model's cost table, each layer with its
/// precision, stored weight bytes and modelled energy, beside the float model's.
struct QuantizeCommand: Command {
    static let name = "quantize"
    static let summary = "int8 post-training quantization: accuracy, agreement, bytes, latency and joules"
    static let usage = """
        usage: greenbench quantize MODEL [--weights W] [--data DIR] [--calibrate N] [--method M] [--save-weights F]
                                   [--latency-batch N] [--runs N] [--epochs N] [--batch N] [--lr X]
                                   [--optimizer adam|sgd] [--seed N] [--limit N] [--threads N]
                                   [--format text|markdown|csv|json] [energy options]

          MODEL              a zoo model (greenbench models lists them)
          --weights W        the float model's safetensors weights (default: trained on --data, else random)
          --data DIR         MNIST IDX folder: train there (unless --weights), calibrate on its training images,
                             measure accuracy and agreement on its test images
          --calibrate N      calibration images (default 512)
          --method M         minmax, percentile (99.99) or percentile:P (default percentile)
          --latency-batch N  batch of the timed passes (default 1)
          --runs N           timed passes, at least (default 20; runs continue to 1 s)
          --format F         text (default), markdown, csv or json
          --evaluate N       without --data: random inputs for top-1 agreement and cosine (default 64; 0: none)
          --save-weights F   write the float model's weights (as trained or loaded) to F.safetensors
          --steps            also list each plan's steps: kernel, MACs and median microseconds (text output)
          --cost             also print the float and the int8 model's cost tables (one image): each layer's
                             precision, stored weight bytes and modelled energy (Horowitz 45 nm), in --format
          (training options as for greenbench train: --epochs, --batch, --lr, --optimizer, --seed, --limit, --threads)
        \(EnergyOptions.usage)
        """

    /// One measured plan.
    struct Row {
        let label: String
        let accuracy: Double?
        /// nil when no image was evaluated (`--evaluate 0`).
        let agreement: Double?
        let cosine: Double?
        let weightBytes: Int
        let timing: Timing
        let joulesPerImage: Double
    }

    static func run(_ arguments: [String]) throws {
        let parsed = try Arguments(
            arguments,
            valueOptions: Set([
                "weights", "data", "calibrate", "method", "latency-batch", "runs", "format", "save-weights", "evaluate",
            ])
            .union(TrainingOptions.valueOptions).union(EnergyOptions.valueOptions),
            flagOptions: EnergyOptions.flagOptions.union(["steps", "cost"]))
        guard parsed.positionals.count == 1 else {
            throw UsageError("expects exactly one model name, got \(parsed.positionals.count) (see greenbench models)")
        }
        let entry = try ModelOptions.entry(parsed.positionals[0])
        let training = try TrainingOptions.parse(parsed)
        let calibrationCount = try parsed.integer("calibrate", default: 512, in: 1...1_000_000)
        let methodText = parsed.value("method") ?? "percentile"
        guard let method = CalibrationMethod(parsing: methodText) else {
            throw UsageError(
                "--method must be minmax, percentile or percentile:P with P in (50, 100], got '\(methodText)'")
        }
        let latencyBatch = try parsed.integer("latency-batch", default: 1, in: 1...100_000)
        let runs = try parsed.integer("runs", default: 20, in: 1...100_000)
        let evaluated = try parsed.integer("evaluate", default: 64, in: 0...100_000)
        let format: OutputFormat = try parsed.choice("format", default: .text)
        let meter = try EnergyOptions.meter(parsed)
        try ComputeThreads.set(training.threads)

        let data = try parsed.value("data").map { folder in
            Console.progress("quantize: loading \(folder)")
            return try training.loadData(from: folder, for: [entry])
        }
        let model = try entry.model(seed: training.seed)
        if let weights = parsed.value("weights") {
            try model.loadWeights(from: weights)
        } else if let data {
            Console.progress("quantize: training \(entry.name) for \(training.epochs) epoch(s)")
            let trainer = try Trainer(
                model: model, optimizer: try training.optimizer.make(learningRate: training.learningRate),
                epochs: training.epochs, batchSize: training.batch, seed: training.seed)
            trainer.progress = { Console.progress("quantize: " + $0.line) }
            _ = try trainer.fit(data.training)
        } else {
            Console.progress("quantize: no --data or --weights: random weights, accuracy not measured")
        }
        model.eval()
        if let path = parsed.value("save-weights") { try model.saveWeights(to: path) }

        var generator = SeededGenerator(seed: training.seed + 11)
        let calibration: [Tensor] =
            if let data {
                try stride(from: 0, to: Swift.min(calibrationCount, data.training.count), by: 64).map {
                    try data.training.batch(at: $0..<Swift.min($0 + 64, calibrationCount, data.training.count)).images
                }
            } else {
                try stride(from: 0, to: calibrationCount, by: 64).map {
                    try Tensor.uniform(
                        entry.input(batch: Swift.min(64, calibrationCount - $0)), in: -1..<1, using: &generator)
                }
            }
        Console.progress("quantize: calibrating on \(calibrationCount) image(s), \(method)")
        let quantized = try model.quantized(calibratingOn: calibration, method: method)

        // Agreement and accuracy on the test set in batches of 100, or on random inputs.
        let evaluation: (images: [Tensor], labels: [[Int]]) =
            if let data {
                try stride(from: 0, to: data.test.count, by: 100).reduce(into: ([], [])) { result, start in
                    let batch = try data.test.batch(at: start..<Swift.min(start + 100, data.test.count))
                    result.images.append(batch.images)
                    result.labels.append(batch.labels)
                }
            } else {
                (
                    try stride(from: 0, to: evaluated, by: 16).map {
                        try Tensor.uniform(
                            entry.input(batch: Swift.min(16, evaluated - $0)), in: -1..<1, using: &generator)
                    },
                    []
                )
            }
        var floatLogits: [Tensor] = []
        var plans: [Shape: InferencePlan] = [:]
        for images in evaluation.images {
            let plan = try plans[images.shape] ?? model.inferencePlan(for: images.shape)
            plans[images.shape] = plan
            floatLogits.append(try plan(images))
        }
        var int8Logits: [Tensor] = []
        var int8Plans: [Shape: QuantizedPlan] = [:]
        for images in evaluation.images {
            let plan = try int8Plans[images.shape] ?? quantized.inferencePlan(for: images.shape)
            int8Plans[images.shape] = plan
            int8Logits.append(try plan(images))
        }

        let sample = try Tensor.uniform(entry.input(batch: latencyBatch), in: -1..<1, using: &generator)
        // The float plan timed with the kernels `greenbench run` picks (each candidate timed),
        // so the int8 speed-up is against the fastest float plan, not the shape's first guess.
        let floatPlan = try model.inferencePlan(for: sample.shape, kernelSelection: .measured)
        let int8Plan = try quantized.inferencePlan(for: sample.shape)
        func measure(_ body: () throws -> Void) throws -> (Timing, Double) {
            for _ in 0..<3 { try body() }
            let (timing, energy) = try meter.measure {
                try Timing.measure(warmup: 0, minimumRuns: runs, minimumSeconds: 1) { try body() }
            }
            return (timing, energy.joules / Double(timing.samples.count * latencyBatch))
        }
        Console.progress("quantize: timing float and int8 plans on \(sample.shape)")
        let floatTiming = try measure { _ = try floatPlan(sample) }
        let int8Timing = try measure { _ = try int8Plan(sample) }
        let labels = evaluation.labels.isEmpty ? nil : evaluation.labels
        let rows = [
            Row(
                label: "float32", accuracy: labels.map { accuracy(floatLogits, $0) },
                agreement: floatLogits.isEmpty ? nil : 1, cosine: floatLogits.isEmpty ? nil : 1,
                weightBytes: try model.cost(for: entry.input(batch: 1)).parameters * 4, timing: floatTiming.0,
                joulesPerImage: floatTiming.1),
            Row(
                label: "int8", accuracy: labels.map { accuracy(int8Logits, $0) },
                agreement: int8Logits.isEmpty ? nil : agreement(int8Logits, floatLogits),
                cosine: int8Logits.isEmpty ? nil : cosine(int8Logits, floatLogits),
                weightBytes: int8Plan.weightBytes, timing: int8Timing.0, joulesPerImage: int8Timing.1),
        ]
        print(
            try render(
                rows, format: format, model: entry.name, method: method, calibration: calibrationCount,
                latencyBatch: latencyBatch, instructionSet: int8Plan.instructionSet, energySource: meter.description))
        if parsed.flag("cost") {
            let image = entry.input(batch: 1)
            let tableFormat = CostTableFormat(rawValue: format.rawValue) ?? .text
            let floatTable = try CostTable(model, input: image, name: entry.name, energy: .horowitz45nm)
            let int8Table = try CostTable(quantized: quantized, input: image, name: entry.name, energy: .horowitz45nm)
            print("\nfloat32 model\n" + floatTable.rendered(as: tableFormat))
            print("\nint8 model\n" + int8Table.rendered(as: tableFormat))
        }
        if parsed.flag("steps") {
            var output = try Tensor.zeros(floatPlan.outputShape)
            let floatTimes = try stepTimes(floatPlan.steps.count, runs: runs) {
                try floatPlan.run(sample, into: &output, around: $0)
            }
            let int8Times = try stepTimes(int8Plan.steps.count, runs: runs) {
                try int8Plan.run(sample, into: &output, around: $0)
            }
            print("\nfloat32 plan\n" + stepTable(floatPlan.steps, floatTimes).rendered(as: .text))
            print("\nint8 plan\n" + stepTable(int8Plan.steps, int8Times).rendered(as: .text))
        }
    }

    /// The median seconds of each of `count` steps over `runs` passes of `pass`, which hands its
    /// step wrapper to a plan's `run(_:into:around:)`.
    static func stepTimes(
        _ count: Int, runs: Int, _ pass: ((Int, () throws -> Void) throws -> Void) throws -> Void
    ) throws -> [Double] {
        var samples = [[Double]](repeating: [], count: count)
        for _ in 0..<Swift.max(runs, 5) {
            try pass { index, body in samples[index].append(try Stopwatch.seconds(body)) }
        }
        return samples.map { $0.sorted()[$0.count / 2] }
    }

    /// Steps with their kernels, MACs and median microseconds.
    static func stepTable(_ steps: [InferencePlan.Step], _ seconds: [Double]) -> Table {
        var table = Table(headers: ["step", "path", "kind", "kernel", "MACs", "median us"], rows: [])
        for (index, step) in steps.enumerated() {
            table.rows.append([
                "\(index)", step.path, ([step.kind] + step.fused).joined(separator: "+"), step.kernel,
                Format.grouped(step.modelMACs), Format.fixed(seconds[index] * 1e6, 1),
            ])
        }
        table.rows.append(["", "total", "", "", "", Format.fixed(seconds.reduce(0, +) * 1e6, 1)])
        return table
    }

    /// The fraction of images whose largest logit is the label.
    static func accuracy(_ logits: [Tensor], _ labels: [[Int]]) -> Double {
        var (hits, total) = (0, 0)
        for (batch, batchLabels) in zip(logits, labels) {
            for (image, label) in batchLabels.enumerated() {
                hits += topClass(batch, image) == label ? 1 : 0
                total += 1
            }
        }
        return Double(hits) / Double(Swift.max(total, 1))
    }

    /// The fraction of images whose top class is the same in both.
    static func agreement(_ logits: [Tensor], _ reference: [Tensor]) -> Double {
        var (same, total) = (0, 0)
        for (batch, referenceBatch) in zip(logits, reference) {
            for image in 0..<batch.shape[0] {
                same += topClass(batch, image) == topClass(referenceBatch, image) ? 1 : 0
                total += 1
            }
        }
        return Double(same) / Double(Swift.max(total, 1))
    }

    /// The mean, over images, of the cosine of the angle between the two logit vectors.
    static func cosine(_ logits: [Tensor], _ reference: [Tensor]) -> Double {
        var (sum, total) = (0.0, 0)
        for (batch, referenceBatch) in zip(logits, reference) {
            let classes = batch.shape[1]
            for image in 0..<batch.shape[0] {
                var (dot, a, b) = (0.0, 0.0, 0.0)
                for index in image * classes..<(image + 1) * classes {
                    let (x, y) = (Double(batch.scalars[index]), Double(referenceBatch.scalars[index]))
                    (dot, a, b) = (dot + x * y, a + x * x, b + y * y)
                }
                sum += a > 0 && b > 0 ? dot / (a * b).squareRoot() : (a == b ? 1 : 0)
                total += 1
            }
        }
        return sum / Double(Swift.max(total, 1))
    }

    static func topClass(_ logits: Tensor, _ image: Int) -> Int {
        let classes = logits.shape[1]
        let row = logits.scalars[image * classes..<(image + 1) * classes]
        return row.indices.max { row[$0] < row[$1] }! - image * classes
    }

    /// The side-by-side table, or one JSON document.
    static func render(
        _ rows: [Row], format: OutputFormat, model: String, method: CalibrationMethod, calibration: Int,
        latencyBatch: Int, instructionSet: Int8InstructionSet, energySource: String
    ) throws -> String {
        let baseline = rows[0]
        if format == .json {
            return try JSON.string([
                "command": "quantize", "model": model, "method": method.description, "calibrationImages": calibration,
                "latencyBatch": latencyBatch, "threads": ComputeThreads.count,
                "int8InstructionSet": instructionSet.rawValue, "energySource": energySource,
                "rows": rows.map { row in
                    [
                        "label": row.label, "testAccuracy": row.accuracy ?? NSNull(),
                        "top1Agreement": row.agreement ?? NSNull(),
                        "logitCosine": row.cosine ?? NSNull(), "weightBytes": row.weightBytes,
                        "medianSeconds": row.timing.median, "p10Seconds": row.timing.p10,
                        "p90Seconds": row.timing.p90, "joulesPerImage": row.joulesPerImage,
                    ] as [String: Any]
                },
            ])
        }
        func percent(_ value: Double?) -> String { value.map { Format.fixed(100 * $0, 2) } ?? "--" }
        var table = Table(
            headers: [
                "precision", "test acc %", "top-1 agree %", "logit cosine", "weight bytes", "bytes %", "median ms",
                "p10-p90 ms", "speed-up x", "J/image",
            ], rows: [])
        for row in rows {
            table.rows.append([
                row.label, percent(row.accuracy), percent(row.agreement),
                row.cosine.map { Format.fixed($0, 5) } ?? "--",
                Format.grouped(row.weightBytes),
                Format.fixed(100 * Double(row.weightBytes) / Double(Swift.max(baseline.weightBytes, 1)), 1),
                Format.fixed(1000 * row.timing.median, 3),
                Format.fixed(1000 * row.timing.p10, 3) + "-" + Format.fixed(1000 * row.timing.p90, 3),
                Format.fixed(baseline.timing.median / row.timing.median, 2), Format.scientific(row.joulesPerImage),
            ])
        }
        let setting =
            "\(model), calibration \(method) on \(calibration) image(s), int8 kernels \(instructionSet.rawValue), "
            + "latency batch \(latencyBatch), \(ComputeThreads.count) thread(s); energy source: \(energySource)"
        if format == .csv { return table.appendingColumn("energy source", energySource).rendered(as: .csv) }
        return [table.rendered(as: format), setting].joined(separator: "\n\n")
    }
}
