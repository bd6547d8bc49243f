import Foundation
import GreenModels

/// greenbench infer MODEL [--weights W.safetensors] --input X.safetensors --output Y.safetensors [--non-strict] [--eager]
///
/// Loads weights (a PyTorch state_dict saved as safetensors) into a zoo model or an imported
/// ONNX file (whose own weights are used without `--weights`; a zoo model without it keeps its
/// seed-0 initial weights), builds its inference plan for the input's shape and runs it once
/// (`--eager`: one forward pass in inference mode) on the tensor named "input", and writes the
/// result as "output".
struct InferCommand: Command {
    static let name = "infer"
    static let summary = "load safetensors weights into a model and run it on a safetensors input"
    static let usage = """
        usage: greenbench infer MODEL [--weights W.safetensors] --input X.safetensors --output Y.safetensors
                                [--non-strict] [--eager]

          MODEL          a model name (greenbench models lists them) or an ONNX file, FILE.onnx
          --weights W    the model's parameters and buffers under PyTorch state_dict names (default:
                         an ONNX file's own; a zoo model's seed-0 initial weights)
          --input X      a file holding a tensor named "input" (NCHW, F32, F16 or BF16)
          --output Y     where to write the result, as a tensor named "output" (F32)
          --non-strict   load what matches and list missing or unexpected tensors instead of failing
          --eager        run the layer-by-layer forward pass instead of the inference plan
        """

    static func run(_ arguments: [String]) throws {
        let options = try Arguments(
            arguments, valueOptions: ["weights", "input", "output"], flagOptions: ["non-strict", "eager"])
        guard options.positionals.count == 1 else {
            throw UsageError("expects exactly one model name, got \(options.positionals.count) (see greenbench models)")
        }
        guard let inputPath = options.value("input"), let outputPath = options.value("output") else {
            throw UsageError("needs --input and --output")
        }
        let entry = try ModelOptions.entry(options.positionals[0])
        let model = try entry.model()
        var source = entry.name.hasSuffix(".onnx") ? "the ONNX file's weights" : "seed-0 initial weights"
        if let weights = options.value("weights") {
            let report = try model.loadWeights(from: weights, strict: !options.flag("non-strict"))
            if !report.isEmpty { Console.error("greenbench infer: loaded partially: \(report)") }
            source = "\(model.stateDictionary.count - report.missing.count) tensors loaded from \(weights)"
        }
        let inputs = try SafeTensors.read(from: inputPath)
        guard let input = inputs["input"] else {
            throw SafeTensorsError.missing(name: "input")
        }
        model.eval()
        let eager = options.flag("eager")
        let plan = eager ? nil : try model.inferencePlan(for: input.shape)
        var output = input
        let milliseconds =
            try Stopwatch.seconds { output = try plan.map { try $0(input) } ?? model(input) } * 1000
        try SafeTensors.write(["output": output], metadata: ["model": entry.name], to: outputPath)
        print(
            "\(entry.name): \(source); input \(input.shape) -> output "
                + "\(output.shape) in \(String(format: "%.3f", milliseconds)) ms (\(eager ? "eager" : "plan")); wrote \(outputPath)"
        )
    }
}
