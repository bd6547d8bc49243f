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
        let data = try SafeTensors.encode(tensors, metadata: ["format": "pt"])
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
            "dtype must be F32, F16, BF16, I64, I32, I8 or U8",
            file(#"{"x":{"dtype":"U16","shape":[1],"data_offsets":[0,2]}}"#, data: Array(repeating: 0, count: 8)))
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

    /// Names are compared after JSON unescaping, as the parser merges them: an escaped
    /// duplicate is an error, never two entries silently merged into one.
    @Test func rejectsAnEscapedDuplicateName() {
        expectError(
            "'ab' appears twice",
            file(
                #"{"ab":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a\u0062":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                data: Array(repeating: 0, count: 8)))
        expectError(
            "'a/b' appears twice",
            file(
                #"{"a/b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a\/b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                data: Array(repeating: 0, count: 8)))
        #expect(SafeTensors.unescaped(ArraySlice(#"\"q\" \ud83d\ude00"#.utf8)) == "\"q\" \u{1F600}")
    }

    /// Element and byte counts are products of header values, computed with overflow checks.
    @Test func rejectsShapesWhoseSizeOverflows() {
        expectError(
            "shape [4294967296, 4294967296] holds more elements than Int can count",
            file(#"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#, data: []))
        expectError(
            "shape [2305843009213693952, 2] of F32 holds more bytes than Int can count",
            file(#"{"x":{"dtype":"F32","shape":[2305843009213693952,2],"data_offsets":[0,4]}}"#, data: []))
    }

    /// `read(from:)` checks the header length against the file's size and the cap before it
    /// reads anything more (the large files here are sparse: no disk blocks, never read).
    @Test func readChecksTheHeaderLengthBeforeReading() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("greennn-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func sparseFile(_ name: String, headerLength: UInt64, size: Int) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(withUnsafeBytes(of: headerLength.littleEndian) { Array($0) }).write(to: url)
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.truncate(atOffset: UInt64(size))
            return url.path
        }
        let past = try sparseFile("past", headerLength: 1 << 40, size: 1 << 30)
        let beyond = SafeTensorsError.badHeaderLength(length: 1 << 40, fileSize: 1 << 30, cap: SafeTensors.headerCap)
        #expect(throws: beyond) { _ = try SafeTensors.read(from: past) }
        let capped = try sparseFile("capped", headerLength: UInt64(SafeTensors.headerCap) + 8, size: 200_000_000)
        #expect(
            throws: SafeTensorsError.badHeaderLength(
                length: UInt64(SafeTensors.headerCap) + 8, fileSize: 200_000_000, cap: SafeTensors.headerCap)
        ) {
            _ = try SafeTensors.read(from: capped)
        }
        #expect(throws: SafeTensorsError.unreadable(path: folder.path, reason: "is a directory")) {
            _ = try SafeTensors.read(from: folder.path)
        }
    }

    @Test func encodeNeverFallsBackToAnEmptyHeader() throws {
        #expect(throws: SafeTensorsError.self) { _ = try SafeTensors.encode(["__metadata__": try Tensor.zeros([1])]) }
        let empty = try SafeTensors.encode([:])
        #expect(try SafeTensors.decode(empty).isEmpty)
    }

    /// `write(_:to:)` replaces a file whole, and a save that fails leaves what was there and no
    /// temporary file.
    @Test func writeIsAtomic() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("greennn-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("w.safetensors").path
        try SafeTensors.write(["a": try Tensor(shape: [2], scalars: [1, 2])], to: path)
        try SafeTensors.write(["b": try Tensor(shape: [1], scalars: [3])], to: path)
        #expect(try SafeTensors.read(from: path).mapValues(\.scalars) == ["b": [3]])
        // A directory where the file should go: the rename fails, the directory stays.
        let blocked = folder.appendingPathComponent("blocked")
        try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
        try Data([1]).write(to: blocked.appendingPathComponent("inside"))
        let renameError = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write(["b": try Tensor(shape: [1], scalars: [3])], to: blocked.path)
        }
        if case let .unwritable(failure) = renameError {
            #expect(failure.step == .rename && failure.path == blocked.path)
        } else {
            Issue.record("expected unwritable, got \(String(describing: renameError))")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: blocked.path) == ["inside"])
        // A missing directory: nothing can be created.
        let missing = folder.appendingPathComponent("missing/w.safetensors").path
        let createError = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write(["b": try Tensor(shape: [1], scalars: [3])], to: missing)
        }
        if case let .unwritable(failure) = createError {
            #expect(failure.step == .create && failure.reason == "No such file or directory")
            #expect("\(createError!)".contains(missing))
        } else {
            Issue.record("expected unwritable, got \(String(describing: createError))")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == ["blocked", "w.safetensors"])
        #expect(try SafeTensors.read(from: path).mapValues(\.scalars) == ["b": [3]])
    }

    /// Fuzz-style: every truncation and a sweep of single bit flips of a valid file either
    /// decode or throw a `SafeTensorsError`; none crashes.
    @Test func truncatedAndBitFlippedFilesNeverCrash() throws {
        var generator = SeededGenerator(seed: 2)
        let valid = try SafeTensors.encode([
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
                } catch {
                    flips += 1
                }
            }
        }
        #expect(flips > 0)
        let oversized = Data(repeating: 0xFF, count: 8) + valid.dropFirst(8)
        #expect((try? SafeTensors.decode(oversized)) == nil)
    }
}
