import Foundation
import GreenEnergy
import GreenModels

/// greenbench run [MODEL...] [--batch N] [--runs N] [--warmup N] [--threads N] [--layers] [--eager]
///                [--format text|markdown|csv|json] [--out DIR] [energy options]
///
/// Measures models on this machine, each run as an inference plan (`--eager`: the
/// layer-by-layer forward pass): median, p10 and p90 latency; minor page faults per call; images/s; achieved GFLOP/s
/// and its share of the sgemm peak measured at start-up; weight bytes and peak resident
/// memory; joules per image and CO2e per 1000 images with their source. `--layers` adds the
/// per-layer table (analytic cost beside measured time, time share, GFLOP/s, roofline bound
/// and energy). Variants measured with their baseline get a verdict row: MAC ratio, time
/// ratio, energy ratio. With no arguments at all, `greenbench` runs the standard suite.
struct RunCommand: Command {
    static let name = "run"
    static let summary = "measure models: latency, GFLOP/s against the peak, memory, joules and CO2e"
    static let usage = """
        usage: greenbench run [MODEL...] [--batch N] [--runs N] [--warmup N] [--threads N] [--layers] [--eager]
                              [--format text|markdown|csv|json] [--out DIR] [energy options]

          MODEL...        model names or ONNX files, FILE.onnx (default: lenet5 and its variants;
                          greenbench models lists them)
          --batch N       batch size (default 1)
          --runs N        timed runs, at least (default 10; continues to 1 s)
          --warmup N      untimed runs first (default 3)
          --threads N     compute threads (default: all cores)
          --layers        add per-layer timing, roofline and energy tables (per planned step: its
                          kernel, what was fused into it, model and executed MACs)
          --eager         time the layer-by-layer forward pass instead of the inference plan
          --format F      text (default), markdown, csv or json
          --out DIR       also write report.md, report.html, results.json, results.csv and SVG charts to DIR
        \(EnergyOptions.usage)
        Running `greenbench` with no arguments runs the standard suite (see Docs/Benchmarks.md)
        and writes ./greenbench-report.
        """

    static func run(_ arguments: [String]) throws {
        let options = try Arguments(
            arguments,
            valueOptions: Set(["batch", "runs", "warmup", "threads", "format", "out"]).union(
                EnergyOptions.valueOptions),
            flagOptions: Set(["layers", "eager"]).union(EnergyOptions.flagOptions))
        let names =
            options.positionals.isEmpty
            ? ["lenet5"] + ModelZoo.entries.filter { $0.baseline == "lenet5" }.map(\.name) : options.positionals
        let entries = try names.map { try ModelOptions.entry($0) }
        let batch = try options.integer("batch", default: 1, in: 1...100_000)
        let runs = try options.integer("runs", default: 10, in: 1...100_000)
        let warmup = try options.integer("warmup", default: 3, in: 0...100_000)
        let threads = try options.integer("threads", default: ComputeThreads.count, in: 1...1024)
        let format: OutputFormat = try options.choice("format", default: .text)
        let meter = try EnergyOptions.meter(options)
        try ComputeThreads.set(threads)
        Console.progress("run: measuring this machine's limits (greenbench peak)")
        let machine = try MachinePeak.measure(threads: threads, runs: 3, wrapperOverhead: false)
        var results: [ModelBenchmark] = []
        for entry in entries {
            Console.progress("run: \(entry.name), batch \(batch), \(threads) thread(s)")
            results.append(
                try ModelBenchmark.measure(
                    entry, batch: batch, runs: runs, warmup: warmup, minimumSeconds: 1,
                    profileLayers: options.flag("layers"), eager: options.flag("eager"), meter: meter,
                    machine: machine))
        }
        let report = BenchmarkReport(machine: machine, energySource: meter.description, results: results)
        print(try report.rendered(as: format))
        if let directory = options.value("out") {
            let pair = results.count >= 2 && options.flag("layers") ? (results[0].model, results[1].model, batch) : nil
            try report.write(to: directory, layerPair: pair)
            Console.progress("run: wrote \(directory)/report.md, report.html, results.json, results.csv and charts")
        }
    }

    /// The standard suite: the machine's peak; the lenet5 family at batch 1 and 64; the
    /// vgg16-cifar family at batch 1 and 32; vgg16 and vgg16-green at batch 1; per-layer
    /// tables for vgg16-cifar and vgg16-cifar-ds at batch 32. Writes ./greenbench-report.
    static func standardSuite(directory: String = "greenbench-report") throws {
        let meter = try EnergyMeters.best()
        let threads = ComputeThreads.count
        Console.progress("suite: measuring this machine's limits (greenbench peak)")
        let machine = try MachinePeak.measure(threads: threads, runs: 5)
        print(try machine.rendered(as: .text) + "\n")
        func family(_ baseline: String) -> [ModelZoo.Entry] {
            ModelZoo.entries.filter { $0.name == baseline || $0.baseline == baseline }
        }
        let plan: [(entries: [ModelZoo.Entry], batch: Int)] = [
            (family("lenet5"), 1), (family("lenet5"), 64), (family("vgg16-cifar"), 1), (family("vgg16-cifar"), 32),
            (ModelZoo.entries.filter { ["vgg16", "vgg16-green"].contains($0.name) }, 1),
        ]
        let total = plan.reduce(0) { $0 + $1.entries.count }
        var results: [ModelBenchmark] = []
        for (entries, batch) in plan {
            for entry in entries {
                Console.progress("suite: [\(results.count + 1)/\(total)] \(entry.name), batch \(batch)")
                let layers = batch == 32 && ["vgg16-cifar", "vgg16-cifar-ds"].contains(entry.name)
                results.append(
                    try ModelBenchmark.measure(
                        entry, batch: batch, runs: 10, warmup: 3, minimumSeconds: 1, profileLayers: layers,
                        meter: meter,
                        machine: machine))
            }
        }
        let report = BenchmarkReport(machine: machine, energySource: meter.description, results: results)
        print(try report.rendered(as: .text))
        try report.write(to: directory, layerPair: ("vgg16-cifar", "vgg16-cifar-ds", 32))
        Console.progress("suite: wrote \(directory)/report.md, report.html, results.json, results.csv and charts")
    }
}
