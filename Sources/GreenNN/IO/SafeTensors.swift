import Foundation

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into
/// the data section; an optional `"__metadata__"` object of strings), then the raw
/// little-endian data.
///
/// F32 is read and written; F16, BF16, I64 and I32 are read and widened to F32. Everything is validated
/// before any tensor is allocated: the header length against the file size and a 100 MB cap,
/// each entry's dtype, shape and offsets against the data section, overlaps and duplicate names.
///
/// ```swift
/// try SafeTensors.write(["weight": w, "bias": b], to: "layer.safetensors")
/// let tensors = try SafeTensors.read(from: "layer.safetensors")
/// ```
public enum SafeTensors {
    /// The largest header accepted.
    public static let headerCap = 100_000_000

    /// Reads every tensor of the file at `path`.
    /// - Throws: `SafeTensorsError` naming the tensor and byte offsets for any violation.
    public static func read(from path: String) throws(SafeTensorsError) -> [String: Tensor] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "no such file or not readable")
        }
        return try decode(data)
    }

    /// Decodes the tensors of a safetensors byte buffer.
    /// - Throws: `SafeTensorsError` naming the tensor and byte offsets for any violation.
    public static func decode(_ data: Data) throws(SafeTensorsError) -> [String: Tensor] {
        guard data.count >= 8 else { throw .badHeaderLength(length: 0, fileSize: data.count, cap: headerCap) }
        let length = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length <= UInt64(headerCap), length <= UInt64(data.count - 8) else {
            throw .badHeaderLength(length: length, fileSize: data.count, cap: headerCap)
        }
        let headerEnd = 8 + Int(length)
        let entries = try parseHeader(Array(data[data.startIndex + 8..<data.startIndex + headerEnd]))
        let dataSize = data.count - headerEnd
        var spans: [(begin: Int, end: Int, name: String)] = []
        for entry in entries {
            guard entry.begin >= 0, entry.begin <= entry.end, entry.end <= dataSize,
                entry.end - entry.begin == entry.byteCount
            else {
                throw .badOffsets(
                    name: entry.name, begin: entry.begin, end: entry.end, expectedBytes: entry.byteCount,
                    dataSize: dataSize)
            }
            spans.append((entry.begin, entry.end, entry.name))
        }
        spans.sort { $0.begin < $1.begin }
        for (first, second) in zip(spans, spans.dropFirst()) where second.begin < first.end {
            throw .overlapping(first: first.name, second: second.name, offset: second.begin)
        }
        var tensors: [String: Tensor] = [:]
        for entry in entries {
            let values = data.withUnsafeBytes { bytes in
                entry.dtype.floats(bytes, at: headerEnd + entry.begin, count: entry.shape.elementCount)
            }
            do {
                tensors[entry.name] = try Tensor(shape: entry.shape, scalars: values)
            } catch {
                throw .badEntry(name: entry.name, reason: error.description)
            }
        }
        return tensors
    }

    /// Writes `tensors` as F32, names sorted, with optional string `metadata`.
    /// - Throws: `SafeTensorsError.unreadable` when the file cannot be written.
    public static func write(
        _ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String
    )
        throws(SafeTensorsError)
    {
        do {
            try encode(tensors, metadata: metadata).write(to: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// The safetensors bytes of `tensors` (F32, names sorted, header padded with spaces to a
    /// multiple of 8 bytes as the reference implementation does).
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
        var header: [String: Any] = metadata.isEmpty ? [:] : ["__metadata__": metadata]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            header[name] = [
                "dtype": "F32", "shape": tensor.shape.dimensions,
                "data_offsets": [offset, offset + 4 * tensor.elementCount],
            ]
            offset += 4 * tensor.elementCount
        }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var output = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { output.append(contentsOf: $0) }
        output.append(json)
        for name in names {
            tensors[name]!.scalars.map(\.bitPattern.littleEndian).withUnsafeBytes { output.append(contentsOf: $0) }
        }
        return output
    }

    /// One header entry, validated except for its offsets.
    struct Entry {
        let name: String
        let dtype: DataType
        let shape: Shape
        let begin: Int
        let end: Int
        var byteCount: Int { shape.elementCount * dtype.size }
    }

    /// The element types read. Integers (PyTorch's BatchNorm `num_batches_tracked` is I64) are
    /// widened to Float like the half types.
    enum DataType: String {
        case f32 = "F32", f16 = "F16", bf16 = "BF16", i64 = "I64", i32 = "I32"

        var size: Int {
            switch self {
            case .f32, .i32: 4
            case .f16, .bf16: 2
            case .i64: 8
            }
        }

        /// The `count` elements starting at byte `offset` of `bytes`, widened to Float.
        func floats(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int) -> [Float] {
            [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                let source = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count * size])
                switch self {
                case .f32:
                    for index in 0..<count {
                        buffer[index] = Float(
                            bitPattern: UInt32(
                                littleEndian: source.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
                    }
                case .bf16:
                    for index in 0..<count {
                        let bits = UInt16(
                            littleEndian: source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                        buffer[index] = Float(bitPattern: UInt32(bits) << 16)
                    }
                case .f16:
                    for index in 0..<count {
                        let bits = UInt16(
                            littleEndian: source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self))
                        buffer[index] = Float(Float16(bitPattern: bits))
                    }
                case .i64:
                    for index in 0..<count {
                        buffer[index] = Float(
                            Int64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * index, as: Int64.self)))
                    }
                case .i32:
                    for index in 0..<count {
                        buffer[index] = Float(
                            Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self)))
                    }
                }
                initialized = count
            }
        }
    }

    /// The entries of a header, checking JSON shape, dtypes, shapes and duplicate names.
    static func parseHeader(_ header: [UInt8]) throws(SafeTensorsError) -> [Entry] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(header))
        } catch {
            throw .badHeader(reason: "not JSON (\(error.localizedDescription))")
        }
        guard let entries = object as? [String: Any] else { throw .badHeader(reason: "not a JSON object") }
        try checkDuplicateNames(header, count: entries.count)
        var result: [Entry] = []
        for (name, value) in entries.sorted(by: { $0.key < $1.key }) where name != "__metadata__" {
            guard let fields = value as? [String: Any] else {
                throw .badEntry(name: name, reason: "entry is not an object")
            }
            guard let dtypeName = fields["dtype"] as? String, let dtype = DataType(rawValue: dtypeName) else {
                throw .badEntry(
                    name: name, reason: "dtype must be F32, F16, BF16, I64 or I32, got \(fields["dtype"] ?? "nothing")")
            }
            guard let dimensions = fields["shape"] as? [Int], dimensions.allSatisfy({ $0 >= 0 && $0 <= 1 << 40 }),
                dimensions.reduce(
                    1,
                    { $0.multipliedReportingOverflow(by: Swift.max($1, 1)).overflow ? Int.max : $0 * Swift.max($1, 1) })
                    < 1 << 40
            else {
                throw .badEntry(
                    name: name,
                    reason: "shape must be a list of non-negative integers, got \(fields["shape"] ?? "nothing")")
            }
            guard let offsets = fields["data_offsets"] as? [Int], offsets.count == 2 else {
                throw .badEntry(
                    name: name, reason: "data_offsets must be [begin, end], got \(fields["data_offsets"] ?? "nothing")")
            }
            result.append(Entry(name: name, dtype: dtype, shape: Shape(dimensions), begin: offsets[0], end: offsets[1]))
        }
        return result
    }

    /// JSON parsers keep the last of two equal keys silently; counting the top-level keys in the
    /// raw text catches a name written twice.
    private static func checkDuplicateNames(_ header: [UInt8], count: Int) throws(SafeTensorsError) {
        var depth = 0, inString = false, escaped = false, keyStart: Int? = nil
        var keys: [String] = []
        var expectKey = false
        for (index, byte) in header.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if let start = keyStart {
                        keys.append(String(decoding: header[start..<index], as: UTF8.self))
                        keyStart = nil
                    }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                if depth == 1 && expectKey { keyStart = index + 1 }
                expectKey = false
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = byte == UInt8(ascii: "{") && depth == 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectKey = depth == 1
            default:
                break
            }
        }
        var seen = Set<String>()
        for key in keys where !seen.insert(key).inserted { throw .duplicateName(key) }
    }
}
