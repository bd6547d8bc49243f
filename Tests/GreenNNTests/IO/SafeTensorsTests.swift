import Foundation
import Testing

@testable import GreenNN

/// The safetensors reader and writer: round trips, widening of F16 and BF16, and every kind of
/// corruption rejected with a `SafeTensorsError` before allocation, never a crash.
@Suite struct SafeTensorsTests {
    /// A file built by hand: header JSON (padded to 8 bytes) and raw data.
    func file(_ header: String, data: [UInt8]) -> Data {
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
        bytes += json + data
        return Data(bytes)
    }

    func expectError(_ fragment: String, _ data: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try SafeTensors.decode(data)
            Issue.record("expected an error containing '\(fragment)'", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func roundTripsF32TensorsAndMetadata() throws {
        var generator = SeededGenerator(seed: 1)
        let tensors = [
            "features.0.weight": try Tensor.uniform([4, 3, 3, 3], in: -1..<1, using: &generator),
            "features.0.bias": try Tensor.uniform([4], in: -1..<1, using: &generator),
            "empty": try Tensor.zeros([0, 5]),
        ]
        let data = SafeTensors.encode(tensors, metadata: ["format": "pt"])
        #expect((data.count - 8) % 4 == 0)
        let decoded = try SafeTensors.decode(data)
        #expect(decoded.count == 3)
        for (name, tensor) in tensors {
            #expect(decoded[name]?.shape == tensor.shape)
            #expect(decoded[name]?.scalars == tensor.scalars)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.write(tensors, to: path)
        #expect(try SafeTensors.read(from: path)["features.0.bias"]?.scalars == tensors["features.0.bias"]?.scalars)
    }

    @Test func widensF16AndBF16() throws {
        // F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.0 = 0x3F80, 0.5 = 0x3F00.
        let data = file(
            #"{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}"#,
            data: [0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0x00, 0x3F])
        let tensors = try SafeTensors.decode(data)
        #expect(tensors["a"]?.scalars == [1, -2])
        #expect(tensors["b"]?.scalars == [1, 0.5])
    }

    @Test func widensI64AndI32() throws {
        // PyTorch's BatchNorm counter is an I64 scalar (shape []).
        let data = file(
            #"{"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"i":{"dtype":"I32","shape":[2],"data_offsets":[8,16]}}"#,
            data: [7, 1, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 3, 0, 0, 0])
        let tensors = try SafeTensors.decode(data)
        #expect(tensors["n"]?.scalars == [263])
        #expect(tensors["i"]?.scalars == [-1, 3])
    }

    @Test func rejectsEachKindOfCorruption() {
        expectError("header length", Data([1, 2, 3]))
        expectError("header length 4096", Data([0, 16, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16)))
        expectError("not JSON", file("{not json", data: []))
        expectError("not a JSON object", file("[1,2]", data: []))
        expectError(
            "dtype must be F32, F16, BF16, I64 or I32",
            file(#"{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, data: Array(repeating: 0, count: 8)))
        expectError(
            "shape must be",
            file(#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 4)))
        expectError(
            "data_offsets [0, 8) must lie in the 4-byte data section",
            file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 4)))
        expectError(
            "hold 8 bytes",
            file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 8)))
        expectError(
            "overlap at data offset 4",
            file(
                #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                data: Array(repeating: 0, count: 8)))
        expectError(
            "'x' appears twice",
            file(
                #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                data: Array(repeating: 0, count: 8)))
    }

    /// Fuzz-style: every truncation and a sweep of single bit flips of a valid file either
    /// decode or throw a `SafeTensorsError`; none crashes.
    @Test func truncatedAndBitFlippedFilesNeverCrash() throws {
        var generator = SeededGenerator(seed: 2)
        let valid = SafeTensors.encode([
            "w": try Tensor.uniform([3, 2], in: -1..<1, using: &generator),
            "b": try Tensor.uniform([3], in: -1..<1, using: &generator),
        ])
        var truncationsRejected = 0
        for length in 0..<valid.count {
            let prefix = Data(valid.prefix(length))
            if (try? SafeTensors.decode(prefix)) == nil { truncationsRejected += 1 }
        }
        #expect(truncationsRejected == valid.count)
        var flips = 0
        for index in stride(from: 0, to: valid.count, by: 3) {
            for bit in [0, 3, 7] {
                var corrupted = valid
                corrupted[index] ^= UInt8(1 << bit)
                do {
                    _ = try SafeTensors.decode(corrupted)
                } catch is SafeTensorsError {
                    flips += 1
                }
            }
        }
        #expect(flips > 0)
        let oversized = Data(repeating: 0xFF, count: 8) + valid.dropFirst(8)
        #expect((try? SafeTensors.decode(oversized)) == nil)
    }
}
