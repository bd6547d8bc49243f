import Foundation
import Testing

@testable import GreenNN

/// Quantized models through safetensors: a save/load round trip gives bit-identical plans, the
/// documented names and element types are written, and truncated, mistyped, out-of-range or
/// foreign files are refused with typed errors before anything is kept.
@Suite struct QuantizedModelFileTests {
    static func quantizedNetwork() throws -> (QuantizedModel, Tensor) {
        let model = try QuantizedPlanTests.makeNetwork()
        model.eval()
        let input = randomTensor([2, 3, 10, 14], seed: 901)
        return (try model.quantized(calibratingOn: [input], method: .percentile(99.9)), input)
    }

    static func temporaryFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "greennn-\(name)-\(UUID().uuidString).safetensors"
        )
        .path
    }

    @Test func aSavedModelLoadsToTheSamePlan() throws {
        let (quantized, input) = try Self.quantizedNetwork()
        let path = Self.temporaryFile("int8")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try quantized.save(to: path)
        let loaded = try QuantizedModel(quantized.model, contentsOf: path)
        #expect(loaded.method == .percentile(99.9))
        #expect(loaded.calibrationImages == 2)
        #expect(loaded.weights == quantized.weights)
        let (original, reloaded) = (
            try quantized.inferencePlan(for: input.shape)(input), try loaded.inferencePlan(for: input.shape)(input)
        )
        #expect(original.scalars == reloaded.scalars)
    }

    @Test func theFileHoldsInt8CodesAndU8ZeroPoints() throws {
        let (quantized, _) = try Self.quantizedNetwork()
        let path = Self.temporaryFile("names")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try quantized.save(to: path)
        let contents = try SafeTensors.contents(of: path)
        #expect(contents.metadata["format"] == "greenbench-int8")
        #expect(contents.metadata["input_shape"] == "1,3,10,14")
        #expect(contents.elementTypes["0.0.weight"] == .i8)
        #expect(contents.tensors["0.0.weight"]?.shape == [8, 3, 3, 3])
        #expect(contents.elementTypes["0.0.weight_scale"] == .f16)
        #expect(contents.elementTypes["input.zero_point"] == .u8)
        #expect(contents.tensors.keys.contains("0.0.output.scale"))
        let codes = try #require(contents.tensors["0.0.weight"]).scalars
        #expect(codes.allSatisfy { abs($0) <= 127 && $0.rounded() == $0 })
    }

    /// Rewrites the file at `path` with `change` applied to its tensors and types.
    static func rewrite(
        _ path: String,
        _ change: (inout [String: Tensor], inout [String: SafeTensors.ElementType], inout [String: String]) -> Void
    ) throws {
        let contents = try SafeTensors.contents(of: path)
        var (tensors, types, metadata) = (contents.tensors, contents.elementTypes, contents.metadata)
        change(&tensors, &types, &metadata)
        try SafeTensors.write(tensors, metadata: metadata, elementTypes: types, to: path)
    }

    @Test func badFilesAreRefusedWithTypedErrors() throws {
        let (quantized, _) = try Self.quantizedNetwork()
        let path = Self.temporaryFile("bad")
        defer { try? FileManager.default.removeItem(atPath: path) }
        func load() -> WeightsError? {
            do {
                _ = try QuantizedModel(quantized.model, contentsOf: path)
                return nil
            } catch let error as WeightsError {
                return error
            } catch {
                Issue.record("expected a WeightsError, got \(error)")
                return nil
            }
        }
        try quantized.save(to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: path))
        guard case .file = load() else { Issue.record("a truncated file must be a file error"); return }

        try quantized.save(to: path)
        try Self.rewrite(path) { _, types, _ in types["0.0.weight"] = .f32 }
        guard case let .mismatch(mistyped) = load() else { Issue.record("expected a mismatch"); return }
        #expect(mistyped.mistyped == ["0.0.weight: expected I8, got F32"])

        try quantized.save(to: path)
        try Self.rewrite(path) { tensors, types, _ in
            let scales = tensors["0.0.weight_scale"]!
            tensors["0.0.weight_scale"] = try! Tensor(shape: scales.shape, scalars: scales.scalars.map { _ in 1 })
            types["0.0.weight_scale"] = .u8
        }
        guard case let .mismatch(badScale) = load() else { Issue.record("expected a mismatch"); return }
        #expect(badScale.mistyped == ["0.0.weight_scale: expected F16 or F32, got U8"])

        try quantized.save(to: path)
        try Self.rewrite(path) { tensors, _, _ in
            var codes = tensors["0.0.weight"]!.scalars
            codes[0] = -128
            tensors["0.0.weight"] = try! Tensor(shape: tensors["0.0.weight"]!.shape, scalars: codes)
            tensors["extra"] = try! Tensor(shape: [1], scalars: [0])
            tensors["input.scale"] = nil
        }
        guard case let .mismatch(several) = load() else { Issue.record("expected a mismatch"); return }
        #expect(several.outOfRange == ["0.0.weight"])
        #expect(several.unexpected == ["extra"])
        #expect(several.missing == ["input.scale"])

        try quantized.save(to: path)
        try Self.rewrite(path) { _, _, metadata in metadata["format"] = "something-else" }
        guard case .invalidMetadata(key: "format", _) = load() else { Issue.record("expected bad metadata"); return }
    }

    /// Scales written in single precision (as a file of layers with tiny weights has them) load
    /// to the same model: the loader takes F16 or F32 for `weight_scale`.
    @Test func singlePrecisionScalesLoadToo() throws {
        let (quantized, input) = try Self.quantizedNetwork()
        let path = Self.temporaryFile("f32-scales")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try quantized.save(to: path)
        try Self.rewrite(path) { _, types, _ in
            for name in types.keys where name.hasSuffix(".weight_scale") { types[name] = .f32 }
        }
        #expect(try SafeTensors.contents(of: path).elementTypes["0.0.weight_scale"] == .f32)
        let reloaded = try QuantizedModel(quantized.model, contentsOf: path)
        let (first, second) = (
            try quantized.inferencePlan(for: input.shape), try reloaded.inferencePlan(for: input.shape)
        )
        #expect(try first(input).scalars == second(input).scalars)
    }

    @Test func halfPrecisionRoundTripsAndRefusesWhatItWouldRound() throws {
        let exact = try Tensor(shape: [4], scalars: [1548 / 65536, 1, -65504, Float(Float16.leastNormalMagnitude)])
        let data = try SafeTensors.encode(["h": exact], elementTypes: ["h": .f16])
        #expect(try SafeTensors.decode(data)["h"]?.scalars == exact.scalars)
        #expect(throws: SafeTensorsError.self) {
            try SafeTensors.encode(["h": try Tensor(shape: [1], scalars: [Float(3) / 127])], elementTypes: ["h": .f16])
        }
    }

    @Test func integerTypesRoundTripAndRefuseFractions() throws {
        let tensors = [
            "a": try Tensor(shape: [3], scalars: [-128, 0, 127]), "b": try Tensor(shape: [2], scalars: [0, 255]),
            "c": try Tensor(shape: [1], scalars: [-70000]),
        ]
        let data = try SafeTensors.encode(tensors, elementTypes: ["a": .i8, "b": .u8, "c": .i32])
        let decoded = try SafeTensors.decode(data)
        #expect(decoded.mapValues(\.scalars) == tensors.mapValues(\.scalars))
        #expect(data.count == 8 + Int(data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) + 3 + 2 + 4)
        #expect(throws: SafeTensorsError.self) {
            try SafeTensors.encode(["a": try Tensor(shape: [1], scalars: [0.5])], elementTypes: ["a": .i8])
        }
        #expect(throws: SafeTensorsError.self) {
            try SafeTensors.encode(["a": try Tensor(shape: [1], scalars: [128])], elementTypes: ["a": .i8])
        }
    }
}
