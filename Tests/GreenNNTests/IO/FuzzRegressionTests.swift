import Foundation
import Testing

@testable import GreenNN

/// Hostile inputs for the readers, kept in Tests/Fixtures/Fuzz/<harness>/ (crashes that `make
/// fuzz` found, and hand-made ones) and replayed exactly as their libFuzzer harness in Fuzz/
/// feeds them: each must give tensors or a typed error, never a trap. The hand-made ones also
/// pin the error they give. FuzzStateDict's inputs are replayed in GreenModelsTests and
/// FuzzArguments' in GreenBenchTests.
@Suite struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent("Fuzz")

    /// The names of the inputs kept for `harness`, sorted (its README.md aside).
    static func inputs(_ harness: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path(harness))) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }

    /// The path of input `name` of `harness`, or of the harness's folder.
    static func path(_ harness: String, _ name: String = "") -> String {
        folder.appendingPathComponent(harness).appendingPathComponent(name).path
    }

    /// Every harness keeps at least one input, so a moved folder cannot pass unnoticed.
    @Test(arguments: ["FuzzSafeTensors", "FuzzIDX", "FuzzGzip", "FuzzStateDict", "FuzzArguments", "FuzzONNX"])
    func everyHarnessKeepsInputs(_ harness: String) {
        #expect(!Self.inputs(harness).isEmpty, "no inputs in \(Self.path(harness))")
    }

    /// As FuzzSafeTensors: decoded (and read from the file), and what decodes encodes and decodes back.
    @Test(arguments: inputs("FuzzSafeTensors"))
    func safeTensorsInputDecodesOrThrows(_ name: String) throws {
        let path = Self.path("FuzzSafeTensors", name)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            let tensors = try SafeTensors.decode(data)
            let again = try SafeTensors.decode(SafeTensors.encode(tensors))
            #expect(again.keys.sorted() == tensors.keys.sorted())
        } catch {
            // A SafeTensorsError: the answer a bad file should get.
        }
        _ = try? SafeTensors.read(from: path)
    }

    /// As FuzzIDX and FuzzGzip: read as labels, and as images under a 64 KiB limit.
    @Test(arguments: inputs("FuzzIDX").map { ("FuzzIDX", $0) } + inputs("FuzzGzip").map { ("FuzzGzip", $0) })
    func idxInputReadsOrThrows(_ harness: String, _ name: String) {
        let path = Self.path(harness, name)
        _ = try? IDX.readLabels(at: path)
        _ = try? IDX.readImages(at: path, limit: 1 << 16)
    }

    @Test func headerLengthOf2To63IsRejectedBeforeTheHeaderIsRead() throws {
        let data = try Data(
            contentsOf: URL(fileURLWithPath: Self.path("FuzzSafeTensors", "header-length-2-63.safetensors")))
        #expect(throws: SafeTensorsError.badHeaderLength(length: 1 << 63, fileSize: 10, cap: SafeTensors.headerCap)) {
            _ = try SafeTensors.decode(data)
        }
    }

    @Test func shapeWhoseElementCountOverflowsIsRejected() throws {
        let data = try Data(
            contentsOf: URL(fileURLWithPath: Self.path("FuzzSafeTensors", "shape-overflow.safetensors")))
        let reason = "shape [4611686018427387904, 4] holds more elements than Int can count"
        #expect(throws: SafeTensorsError.badEntry(name: "huge", reason: reason)) { _ = try SafeTensors.decode(data) }
    }

    @Test func gzipTrailerThatLiesAboutTheLengthIsCorrupt() {
        let path = Self.path("FuzzGzip", "lying-trailer.gz")
        do {
            let labels = try IDX.readLabels(at: path)
            Issue.record("a gzip stream whose ISIZE is wrong was read: \(labels.count) labels")
        } catch {
            guard case let .corruptGzip(errorPath, _, reason) = error else {
                Issue.record("expected corruptGzip, got \(error)")
                return
            }
            #expect(errorPath == path && reason == "incorrect length check")
        }
    }

    @Test func sizesWhoseProductOverflowsAreInvalid() {
        let path = Self.path("FuzzIDX", "dims-overflow")
        let sizes = [Int](repeating: 0xFFFF_FFFF, count: 3)
        #expect(
            throws: IDXError.invalidDimensions(
                path: path, offset: 4, dimensions: sizes, reason: "their product overflows")
        ) {
            _ = try IDX.readImages(at: path)
        }
    }
}
