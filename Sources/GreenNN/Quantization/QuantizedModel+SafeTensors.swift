import Foundation

/// Quantized models in safetensors files. For each conv and linear layer at path P:
/// `P.weight` (I8, the layer's weight shape, codes in −127...127), `P.weight_scale` (F16 `[O]`,
/// or F32 where a scale falls outside half precision's normal range; one per output channel:
/// weight ≈ code · scale) and, when the layer has a bias or a folded
/// BatchNorm, `P.bias` (F32 `[O]`, the bias with the BatchNorm's shift folded in). For each tensor the plan holds: `T.scale` (F32 `[1]`) and
/// `T.zero_point` (U8 `[1]`), where T is `input` for the input and `P.output` for the tensor the
/// layer at P writes first (`P.output.1`, … when one layer writes several). Metadata: `format`
/// (`greenbench-int8`), `input_shape` (one image, e.g. `1,3,32,32`), `method` (`minmax` or
/// `percentile:P`) and `calibration_images`.
extension QuantizedModel {
    /// The format name saved models carry in their metadata.
    public static let fileFormat = "greenbench-int8"

    /// Writes the int8 weights, their scales and every tensor's scale and zero point to `path`
    /// (atomically: on failure the file is as it was).
    /// - Throws: `WeightsError.file` when the file cannot be written; `LayerError` when the model
    ///   no longer plans for its calibrated input shape.
    public func save(to path: String) throws {
        let graph = try QuantizationGraph(model, input: imageShape)
        var tensors: [String: Tensor] = [:]
        var types: [String: SafeTensors.ElementType] = [:]
        for (path, layer) in weights {
            tensors[path + ".weight"] = try Tensor(shape: layer.shape, scalars: layer.channels.codes.map(Float.init))
            types[path + ".weight"] = .i8
            tensors[path + ".weight_scale"] = try Tensor(shape: [layer.shape[0]], scalars: layer.channels.scales)
            types[path + ".weight_scale"] = layer.channels.hasHalfPrecisionScales ? .f16 : .f32
            if let bias = layer.bias { tensors[path + ".bias"] = try Tensor(shape: [layer.shape[0]], scalars: bias) }
        }
        for (buffer, name) in graph.bufferNames {
            guard let parameters = activations[buffer] else { continue }
            tensors[name + ".scale"] = try Tensor(shape: [1], scalars: [parameters.scale])
            tensors[name + ".zero_point"] = try Tensor(shape: [1], scalars: [Float(parameters.zeroPoint)])
            types[name + ".zero_point"] = .u8
        }
        let metadata = [
            "format": Self.fileFormat, "input_shape": imageShape.dimensions.map(String.init).joined(separator: ","),
            "method": method.argument, "calibration_images": String(calibrationImages),
        ]
        do {
            try SafeTensors.write(tensors, metadata: metadata, elementTypes: types, to: path)
        } catch {
            throw WeightsError.file(error)
        }
    }

    /// Reads a quantized model of `model` saved by `save(to:)`: every name, element type, shape
    /// and range is checked against the model's plan before anything is kept.
    /// - Throws: `WeightsError.file` for an unreadable or corrupt file, `.invalidMetadata` for a
    ///   file of another format or without its input shape or method, `.mismatch` listing every
    ///   missing, unexpected, mis-shaped, mistyped, non-finite or out-of-range tensor;
    ///   `LayerError` when the model does not take the recorded input shape.
    public convenience init(_ model: any Layer, contentsOf path: String) throws {
        let contents: SafeTensorsContents
        do {
            contents = try SafeTensors.contents(of: path)
        } catch {
            throw WeightsError.file(error)
        }
        let metadata = contents.metadata
        guard metadata["format"] == Self.fileFormat else {
            throw WeightsError.invalidMetadata(
                key: "format", reason: "must be \(Self.fileFormat), got \(metadata["format"] ?? "nothing")")
        }
        let dimensions = (metadata["input_shape"] ?? "").split(separator: ",").map { Int($0) }
        guard !dimensions.isEmpty, dimensions.allSatisfy({ ($0 ?? 0) > 0 }), dimensions.count <= 8 else {
            throw WeightsError.invalidMetadata(
                key: "input_shape",
                reason: "must be positive sizes separated by commas, got \(metadata["input_shape"] ?? "nothing")")
        }
        guard let method = metadata["method"].flatMap(CalibrationMethod.init(parsing:)) else {
            throw WeightsError.invalidMetadata(
                key: "method", reason: "must be minmax or percentile:P, got \(metadata["method"] ?? "nothing")")
        }
        let imageShape = Shape(dimensions.map { $0! })
        let graph = try QuantizationGraph(model, input: imageShape)
        var mismatch = WeightsMismatch()
        var expected = Set<String>()
        /// The tensor `name` if it has one of `types` and `shape`, else nil with the problem recorded.
        func tensor(_ name: String, _ types: [SafeTensors.ElementType], _ shape: Shape) -> Tensor? {
            expected.insert(name)
            guard let value = contents.tensors[name] else {
                mismatch.missing.append(name)
                return nil
            }
            guard let type = contents.elementTypes[name], types.contains(type) else {
                mismatch.mistyped.append(
                    "\(name): expected \(types.map(\.rawValue).joined(separator: " or ")), got "
                        + (contents.elementTypes[name]?.rawValue ?? "?"))
                return nil
            }
            guard value.shape == shape else {
                mismatch.misshaped.append(.init(name: name, expected: shape, actual: value.shape))
                return nil
            }
            guard value.scalars.allSatisfy(\.isFinite) else {
                mismatch.nonFinite.append(name)
                return nil
            }
            return value
        }
        var weights: [String: QuantizedWeights] = [:]
        for layer in graph.weighted {
            let rows = layer.shape[0]
            let codes = tensor(layer.path + ".weight", [.i8], layer.shape)
            let scales = tensor(layer.path + ".weight_scale", [.f16, .f32], [rows])
            let bias = layer.bias == nil ? nil : tensor(layer.path + ".bias", [.f32], [rows])
            if let codes, codes.scalars.contains(-128) { mismatch.outOfRange.append(layer.path + ".weight") }
            if let scales, !scales.scalars.allSatisfy({ $0 > 0 }) {
                mismatch.outOfRange.append(layer.path + ".weight_scale")
            }
            guard let codes, let scales, layer.bias == nil || bias != nil else { continue }
            weights[layer.path] = QuantizedWeights(
                shape: layer.shape,
                codes: ChannelWeights(
                    codes: codes.scalars.map { Int8($0) }, scales: scales.scalars,
                    rowLength: layer.shape.elementCount / rows),
                bias: bias?.scalars)
        }
        var activations: [Int: QuantizationParameters] = [:]
        for (buffer, name) in graph.bufferNames {
            let scale = tensor(name + ".scale", [.f32], [1])
            let zeroPoint = tensor(name + ".zero_point", [.u8], [1])
            if let scale, !(scale.scalars[0] > 0) { mismatch.outOfRange.append(name + ".scale") }
            guard let scale, let zeroPoint else { continue }
            activations[buffer] = QuantizationParameters(
                scale: scale.scalars[0], zeroPoint: Int32(zeroPoint.scalars[0]))
        }
        mismatch.unexpected = contents.tensors.keys.filter { !expected.contains($0) }.sorted()
        guard mismatch.isEmpty else { throw WeightsError.mismatch(mismatch) }
        self.init(
            model: model, method: method, calibrationImages: Int(metadata["calibration_images"] ?? "") ?? 0,
            activations: activations, bufferCount: graph.bufferCount, weights: weights,
            imageShape: imageShape)
    }
}

extension CalibrationMethod {
    /// The method as `init(parsing:)` reads it ("minmax", "percentile:99.99").
    var argument: String {
        switch self {
        case .minMax: "minmax"
        case let .percentile(p): "percentile:\(p)"
        }
    }
}
