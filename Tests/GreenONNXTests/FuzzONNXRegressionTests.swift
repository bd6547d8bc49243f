import Foundation
import GreenNN
import GreenONNX
import Testing

/// FuzzONNX's kept inputs (Tests/Fixtures/Fuzz/FuzzONNX/), replayed as the harness feeds them:
/// imported with `ONNXModel(serialized:)`, and a model that imports costed at batch 1 and run
/// once on zeros when it is small. Each must import or throw an `ONNXError`, never trap; the
/// hand-made ones (`python3 Fuzz/make_corpus.py` writes them) also pin their error.
@Suite struct FuzzONNXRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("Fuzz").appendingPathComponent("FuzzONNX")

    static let inputs: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }()

    /// The bytes of input `name`.
    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    /// The folder keeps inputs, so a moved folder cannot pass unnoticed.
    @Test func harnessKeepsInputs() {
        #expect(!Self.inputs.isEmpty, "no inputs in \(Self.folder.path)")
    }

    /// As FuzzONNX: imported; what imports is costed when its input is at most 2^16 elements and
    /// run on zeros when that is at most 2^20 MACs (and 2^22 FLOPs), giving the cost's shape.
    @Test(arguments: inputs)
    func inputImportsOrThrows(_ name: String) throws {
        let data = try Self.data(name)
        let model: ONNXModel
        do {
            model = try ONNXModel(serialized: data)
        } catch {
            // An ONNXError: the answer a bad file should get.
            return
        }
        guard let shape = model.input(batch: 1), let elements = try? shape.checkedElementCount(for: "FuzzONNX"),
            elements <= 1 << 16, let cost = try? model.network.cost(for: shape)
        else { return }
        guard cost.macs <= 1 << 20, cost.flops <= 1 << 22, let input = try? Tensor.zeros(shape) else { return }
        guard let output = try? model.network(input) else { return }
        #expect(output.shape == cost.output)
    }

    @Test func truncatedFileIsMalformedWhereTheGraphRunsPastTheEnd() throws {
        let data = try Self.data("truncated-batchnorm.onnx")
        do {
            _ = try ONNXModel(serialized: data)
            Issue.record("half of batchnorm.onnx was imported")
        } catch {
            guard case let .malformed(.truncated(offset, needed, available)) = error else {
                Issue.record("expected malformed(truncated), got \(error)")
                return
            }
            #expect(offset < data.count && available == data.count - offset && needed > available, "\(error)")
        }
    }

    @Test func varintOfElevenBytesIsMalformed() throws {
        let data = try Self.data("varint-11-bytes.onnx")
        #expect(throws: ONNXError.malformed(.malformedVarint(offset: 1))) { _ = try ONNXModel(serialized: data) }
    }

    @Test func lengthOf2To62IsTooLong() throws {
        let data = try Self.data("length-2-62.onnx")
        // The raw_data (field 9) of the graph's initializer; its length varint starts at byte 38.
        #expect(
            throws: ONNXError.malformed(.tooLong(field: 9, length: 1 << 62, limit: 2_147_483_647, offset: 38))
        ) {
            _ = try ONNXModel(serialized: data)
        }
    }

    @Test func dimensionsOf2To40ElementsWith4BytesOfRawDataAreInvalid() throws {
        let data = try Self.data("dims-2-40.onnx")
        let reason = "raw_data holds 4 bytes, FLOAT [1048576, 1048576] needs 4398046511104"
        #expect(throws: ONNXError.invalidTensor(name: "huge", reason: reason)) { _ = try ONNXModel(serialized: data) }
    }

    @Test func unknownOperatorIsNamed() throws {
        let data = try Self.data("unknown-operator.onnx")
        #expect(throws: ONNXError.unsupportedOperator(node: "frobnicate", opType: "Frobnicate", opset: 17)) {
            _ = try ONNXModel(serialized: data)
        }
    }

    /// A Loop whose body nests graphs 100 messages deep: the body is skipped unread (no
    /// recursion, no depth error), and the Loop itself is what the import refuses.
    @Test func bodyNested100DeepIsSkippedAndItsLoopRefused() throws {
        let data = try Self.data("nested-100-deep.onnx")
        #expect(throws: ONNXError.unsupportedOperator(node: "loop", opType: "Loop", opset: 17)) {
            _ = try ONNXModel(serialized: data)
        }
    }
}
