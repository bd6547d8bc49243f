import Foundation
import GreenModels
import GreenONNX

/// greenbench export MODEL [--weights W.safetensors] [--non-strict] [--input CxHxW] --onnx OUT.onnx
///
/// Writes a zoo model (any variant; or an imported ONNX file, re-exported) as an ONNX file,
/// opset 17, with its seed-0 initial weights or those loaded from `--weights`; ONNX Runtime
/// then runs it (Scripts/check_onnx.py checks every zoo model's output against greenbench's).
struct ExportCommand: Command {
    static let name = "export"
    static let summary = "write a model as an ONNX file (opset 17) that ONNX Runtime runs"
    static let usage = """
        usage: greenbench export MODEL [--weights W.safetensors] [--non-strict] [--input CxHxW] --onnx OUT.onnx

          MODEL          a model name (greenbench models lists them) or an ONNX file, FILE.onnx
          --weights W    load these parameters and buffers (PyTorch state_dict names) first
                         (default: the zoo's seed-0 initial weights)
          --non-strict   load what matches and list missing or unexpected tensors instead of failing
          --input CxHxW  the image shape the file declares (default: the model's own); the batch
                         is left symbolic, so the file runs at any batch size
          --onnx OUT     where to write the file (replaced atomically)
        """

    static func run(_ arguments: [String]) throws {
        let options = try Arguments(
            arguments, valueOptions: ["weights", "input", "onnx"], flagOptions: ["non-strict"])
        guard options.positionals.count == 1 else {
            throw UsageError("expects exactly one model name, got \(options.positionals.count) (see greenbench models)")
        }
        guard let path = options.value("onnx") else { throw UsageError("needs --onnx OUT.onnx") }
        let entry = try ModelOptions.entry(options.positionals[0])
        let input = try ModelOptions.input(for: entry, batch: 1, override: options.value("input"))
        let model = try entry.model()
        if let weights = options.value("weights") {
            let report = try model.loadWeights(from: weights, strict: !options.flag("non-strict"))
            if !report.isEmpty { Console.error("greenbench export: loaded partially: \(report)") }
        }
        model.eval()
        let image = Shape(Array(input.dimensions.dropFirst()))
        try model.exportONNX(to: URL(fileURLWithPath: path), imageShape: image)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print(
            "\(entry.name): wrote \(path) (ONNX opset 17, input [N, \(image.dimensions.map(String.init).joined(separator: ", "))], "
                + "\(Format.grouped(model.parameterCount)) parameters, \(Format.grouped(size)) bytes)")
    }
}
