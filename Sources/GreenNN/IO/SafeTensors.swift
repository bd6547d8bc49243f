import Foundation

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into
/// the data section; an optional `"__metadata__"` object of strings), then the raw
/// little-endian data.
///
/// F32 is read and written; F16, BF16, I64 and I32 are read and widened to F32. Everything is validated
/// before any tensor is allocated, and a file's parts are read only once checked against its size:
/// the 8-byte header length against the file size and `headerCap`, then the header; each entry's
/// dtype, shape (element and byte counts in checked arithmetic) and offsets against the data
/// section, overlaps, and duplicate names (compared after JSON unescaping, so `"a\u0062"` and
/// `"ab"` are one name written twice); then the data section, which the file really holds.
///
/// Writing is atomic (`AtomicFile`): a failed save leaves the previous file as it was.
///
/// ```swift
/// try SafeTensors.write(["weight": w, "bias": b], to: "layer.safetensors")
/// let tensors = try SafeTensors.read(from: "layer.safetensors")
/// ```
public enum SafeTensors {
    /// The largest header accepted, in bytes (100 MB; a header is about 100 bytes per tensor).
    public static let headerCap = 100_000_000

    /// Reads every tensor of the file at `path`.
    /// - Throws: `SafeTensorsError` naming the tensor and byte offsets for any violation.
    public static func read(from path: String) throws(SafeTensorsError) -> [String: Tensor] {
        let (_, entries, data) = try load(path)
        return try tensors(entries, in: data, dataStart: 0)
    }

    /// The header bytes, the checked entries and the data section of the file at `path`.
    /// - Throws: `SafeTensorsError` for an unreadable file, a bad header length, header or entry.
    private static func load(
        _ path: String
    ) throws(SafeTensorsError) -> (
        header: [UInt8], entries: [Entry], data: [UInt8]
    ) {
        let file: ReadOnlyFile
        do {
            file = try ReadOnlyFile(path: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        let length = try headerLength(of: try bytes(of: file, count: Swift.min(file.size, 8)), fileSize: file.size)
        let dataSize = file.size - 8 - length
        let header = try bytes(of: file, count: length)
        let entries = try layout(header: header, dataSize: dataSize)
        return (header, entries, try bytes(of: file, count: dataSize))
    }

    /// Reads every tensor of the file at `path` with the element type it was stored as, and the
    /// header's `__metadata__` strings.
    /// - Throws: `SafeTensorsError` naming the tensor and byte offsets for any violation, or
    ///   `.badHeader` when the metadata is not an object of strings.
    public static func contents(of path: String) throws(SafeTensorsError) -> SafeTensorsContents {
        let (header, entries, data) = try load(path)
        let tensors = try tensors(entries, in: data, dataStart: 0)
        return SafeTensorsContents(
            tensors: tensors,
            elementTypes: Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.dtype) }),
            metadata: try metadata(of: header))
    }

    /// The `__metadata__` strings of a header already parsed by `layout` (empty when absent).
    /// - Throws: `SafeTensorsError.badHeader` when the metadata is not an object of strings.
    static func metadata(of header: [UInt8]) throws(SafeTensorsError) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any],
            let value = object["__metadata__"]
        else { return [:] }
        guard let strings = value as? [String: String] else {
            throw .badHeader(reason: "__metadata__ must be an object of strings")
        }
        return strings
    }

    /// Decodes the tensors of a safetensors byte buffer.
    /// - Throws: `SafeTensorsError` naming the tensor and byte offsets for any violation.
    public static func decode(_ data: Data) throws(SafeTensorsError) -> [String: Tensor] {
        let length = try headerLength(of: [UInt8](data.prefix(8)), fileSize: data.count)
        let headerStart = data.startIndex + 8
        let header = [UInt8](data[headerStart..<headerStart + length])
        let entries = try layout(header: header, dataSize: data.count - 8 - length)
        return try tensors(entries, in: data, dataStart: 8 + length)
    }

    /// Writes `tensors` as F32 (or as `elementTypes` says), names sorted, with optional string
    /// `metadata`, atomically: on failure the file at `path` is as it was.
    /// - Throws: `SafeTensorsError.unwritable` when the file cannot be saved, `.unencodable`
    ///   as `encode(_:metadata:elementTypes:)`.
    public static func write(
        _ tensors: [String: Tensor], metadata: [String: String] = [:],
        elementTypes: [String: ElementType] = [:], to path: String
    )
        throws(SafeTensorsError)
    {
        let data = try encode(tensors, metadata: metadata, elementTypes: elementTypes)
        do {
            try AtomicFile.write(data, to: path)
        } catch {
            throw .unwritable(error)
        }
    }

    /// The safetensors bytes of `tensors` (F32, or the type `elementTypes` names for a tensor:
    /// F16 for values that are all exact half-precision numbers, I32, I8 or U8 for integers in
    /// their range; names sorted, header padded with spaces to a multiple of 8 bytes as the
    /// reference implementation does).
    /// - Throws: `SafeTensorsError.unencodable` for a tensor named `__metadata__` (the
    ///   header's metadata key), a type other than F32, F16, I32, I8 or U8, a value that F16
    ///   would round or that is not an integer in its type's range, or a header that cannot be
    ///   encoded as JSON; never a fallback.
    public static func encode(
        _ tensors: [String: Tensor], metadata: [String: String] = [:], elementTypes: [String: ElementType] = [:]
    ) throws(SafeTensorsError) -> Data {
        guard tensors["__metadata__"] == nil else {
            throw .unencodable(reason: "'__metadata__' is the header's metadata key, not a tensor name")
        }
        var header: [String: Any] = metadata.isEmpty ? [:] : ["__metadata__": metadata]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let type = elementTypes[name] ?? .f32
            if type == .f16 {
                if let bad = tensors[name]!.scalars.first(where: { Float(Float16($0)) != $0 }) {
                    throw .unencodable(reason: "'\(name)': \(bad) is not a half-precision value")
                }
            } else if type != .f32 {
                guard let range = type.integerRange else {
                    throw .unencodable(
                        reason: "'\(name)': writing \(type.rawValue) is not supported (F32, F16, I32, I8, U8)")
                }
                if let bad = tensors[name]!.scalars.first(where: { !range.contains($0) || $0.rounded() != $0 }) {
                    throw .unencodable(reason: "'\(name)': \(bad) is not a \(type.rawValue) value")
                }
            }
            let (end, overflow) = offset.addingReportingOverflow(type.size * tensors[name]!.elementCount)
            guard !overflow else { throw .unencodable(reason: "the data section's size overflows at '\(name)'") }
            header[name] = [
                "dtype": type.rawValue, "shape": tensors[name]!.shape.dimensions, "data_offsets": [offset, end],
            ]
            offset = end
        }
        guard JSONSerialization.isValidJSONObject(header) else {
            throw .unencodable(reason: "the header is not a valid JSON object")
        }
        var json: Data
        do {
            json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        } catch {
            throw .unencodable(reason: "\(error)")
        }
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var output = Data()
        output.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { output.append(contentsOf: $0) }
        output.append(json)
        for name in names {
            let scalars = tensors[name]!.scalars
            switch elementTypes[name] ?? .f32 {
            case .i32: scalars.map { Int32($0).littleEndian }.withUnsafeBytes { output.append(contentsOf: $0) }
            case .i8: scalars.map { Int8($0) }.withUnsafeBytes { output.append(contentsOf: $0) }
            case .u8: output.append(contentsOf: scalars.map { UInt8($0) })
            case .f16:
                scalars.map { Float16($0).bitPattern.littleEndian }.withUnsafeBytes { output.append(contentsOf: $0) }
            default: scalars.map(\.bitPattern.littleEndian).withUnsafeBytes { output.append(contentsOf: $0) }
            }
        }
        return output
    }

    /// The next `count` bytes of `file`, all of them.
    /// - Throws: `SafeTensorsError.unreadable` when a read fails or the file ends first (it
    ///   shrank after its size was checked).
    private static func bytes(of file: ReadOnlyFile, count: Int) throws(SafeTensorsError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try file.next(count)
        } catch {
            throw .unreadable(path: file.path, reason: error.reason)
        }
        guard bytes.count == count else {
            throw .unreadable(path: file.path, reason: "the file ended early; it changed while it was read")
        }
        return bytes
    }

    /// The header length in the first 8 bytes (`prefix`) of a `fileSize`-byte file, checked
    /// against the file and `headerCap` before the header is read.
    /// - Throws: `SafeTensorsError.badHeaderLength`.
    static func headerLength(of prefix: [UInt8], fileSize: Int) throws(SafeTensorsError) -> Int {
        guard prefix.count == 8, fileSize >= 8 else {
            throw .badHeaderLength(length: 0, fileSize: fileSize, cap: headerCap)
        }
        let length = prefix.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(headerCap), length <= UInt64(fileSize - 8) else {
            throw .badHeaderLength(length: length, fileSize: fileSize, cap: headerCap)
        }
        return Int(length)
    }

    /// The entries of `header`, with their offsets checked against a `dataSize`-byte data
    /// section and against each other.
    /// - Throws: `SafeTensorsError` for a malformed header or entry, bad offsets, overlaps.
    static func layout(header: [UInt8], dataSize: Int) throws(SafeTensorsError) -> [Entry] {
        let entries = try parseHeader(header)
        var spans: [(begin: Int, end: Int, name: String)] = []
        for entry in entries {
            // Each comparison is on values already in range, so the subtraction cannot overflow.
            guard entry.begin >= 0, entry.begin <= entry.end, entry.end <= dataSize,
                entry.end - entry.begin == entry.byteCount
            else {
                throw .badOffsets(
                    name: entry.name, begin: entry.begin, end: entry.end, expectedBytes: entry.byteCount,
                    dataSize: dataSize)
            }
            if entry.byteCount > 0 { spans.append((entry.begin, entry.end, entry.name)) }
        }
        spans.sort { $0.begin < $1.begin }
        for (first, second) in zip(spans, spans.dropFirst()) where second.begin < first.end {
            throw .overlapping(first: first.name, second: second.name, offset: second.begin)
        }
        return entries
    }

    /// The tensors of `entries`, whose bytes lie in `data` from `dataStart` on (checked by
    /// `layout`), one tensor at a time.
    static func tensors(
        _ entries: [Entry], in data: some ContiguousBytes, dataStart: Int
    ) throws(SafeTensorsError) -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for entry in entries {
            let values = data.withUnsafeBytes { bytes in
                entry.dtype.floats(bytes, at: dataStart + entry.begin, count: entry.elementCount)
            }
            do {
                tensors[entry.name] = try Tensor(shape: entry.shape, scalars: values)
            } catch {
                throw .badEntry(name: entry.name, reason: error.description)
            }
        }
        return tensors
    }

    /// One header entry, validated except for its offsets.
    struct Entry {
        let name: String
        let dtype: ElementType
        let shape: Shape
        /// The shape's element count, computed with overflow checks.
        let elementCount: Int
        /// `elementCount × dtype.size`, computed with overflow checks.
        let byteCount: Int
        let begin: Int
        let end: Int
    }

    /// The element types a file can store. Reading widens every one to Float (integers such as
    /// PyTorch's BatchNorm `num_batches_tracked`, I64, and int8 codes, I8 and U8, exactly);
    /// writing stores F32, F16 for tensors of exact half-precision values, or I32, I8 and U8 for
    /// tensors of integers in their range.
    public enum ElementType: String, Sendable {
        /// 32-bit float.
        case f32 = "F32"
        /// IEEE half.
        case f16 = "F16"
        /// bfloat16.
        case bf16 = "BF16"
        /// 64-bit signed integer.
        case i64 = "I64"
        /// 32-bit signed integer.
        case i32 = "I32"
        /// 8-bit signed integer (int8 weight codes).
        case i8 = "I8"
        /// 8-bit unsigned integer (u8 activation zero points).
        case u8 = "U8"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f32, .i32: 4
            case .f16, .bf16: 2
            case .i64: 8
            case .i8, .u8: 1
            }
        }

        /// The range of a writable integer type, nil for the float types and I64.
        var integerRange: ClosedRange<Float>? {
            switch self {
            case .i32: -2_147_483_648...2_147_483_520
            case .i8: -128...127
            case .u8: 0...255
            default: nil
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
                case .i8:
                    for index in 0..<count { buffer[index] = Float(source.load(fromByteOffset: index, as: Int8.self)) }
                case .u8:
                    for index in 0..<count { buffer[index] = Float(source[index]) }
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
            guard let dtypeName = fields["dtype"] as? String, let dtype = ElementType(rawValue: dtypeName) else {
                throw .badEntry(
                    name: name,
                    reason: "dtype must be F32, F16, BF16, I64, I32, I8 or U8, got \(fields["dtype"] ?? "nothing")")
            }
            guard let dimensions = fields["shape"] as? [Int], dimensions.allSatisfy({ $0 >= 0 }) else {
                throw .badEntry(
                    name: name,
                    reason: "shape must be a list of non-negative integers, got \(fields["shape"] ?? "nothing")")
            }
            let counts = try checkedCounts(of: dimensions, dtype: dtype, name: name)
            guard let offsets = fields["data_offsets"] as? [Int], offsets.count == 2 else {
                throw .badEntry(
                    name: name, reason: "data_offsets must be [begin, end], got \(fields["data_offsets"] ?? "nothing")")
            }
            result.append(
                Entry(
                    name: name, dtype: dtype, shape: Shape(dimensions), elementCount: counts.elements,
                    byteCount: counts.bytes, begin: offsets[0], end: offsets[1]))
        }
        return result
    }

    /// The element and byte counts of a `dimensions`-shaped `dtype` tensor, in checked
    /// arithmetic. As for `Shape`, a zero dimension counts as 1 in the check, so no product of
    /// some of the dimensions (a stride) can overflow either.
    /// - Throws: `SafeTensorsError.badEntry` naming the tensor when a product overflows `Int`.
    static func checkedCounts(
        of dimensions: [Int], dtype: ElementType, name: String
    ) throws(SafeTensorsError) -> (elements: Int, bytes: Int) {
        var nonzeroProduct = 1
        for dimension in dimensions {
            let (product, overflow) = nonzeroProduct.multipliedReportingOverflow(by: Swift.max(dimension, 1))
            guard !overflow else {
                throw .badEntry(name: name, reason: "shape \(dimensions) holds more elements than Int can count")
            }
            nonzeroProduct = product
        }
        let elements = dimensions.contains(0) ? 0 : nonzeroProduct
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
        guard !overflow else {
            throw .badEntry(
                name: name, reason: "shape \(dimensions) of \(dtype.rawValue) holds more bytes than Int can count")
        }
        return (elements, bytes)
    }

    /// JSON parsers keep the last of two equal keys silently, so the top-level keys are found
    /// in the raw text and compared after unescaping (`"a\u0062"` is `"ab"`): a name written
    /// twice, however it is spelt, is an error naming it.
    private static func checkDuplicateNames(_ header: [UInt8], count: Int) throws(SafeTensorsError) {
        let keys = topLevelKeys(header).map(unescaped)
        var seen = Set<String>()
        for key in keys where !seen.insert(key).inserted { throw .duplicateName(key) }
        // The parser found `count` distinct names; a different count means the scan and the
        // parser disagree, which must not pass silently either.
        guard keys.count == count else {
            throw .badHeader(reason: "\(keys.count) top-level names were found, but \(count) distinct ones parsed")
        }
    }

    /// The raw bytes between the quotes of each top-level key of a JSON object, escapes kept.
    static func topLevelKeys(_ header: [UInt8]) -> [ArraySlice<UInt8>] {
        var depth = 0, inString = false, escaped = false, keyStart: Int? = nil
        var keys: [ArraySlice<UInt8>] = []
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
                        keys.append(header[start..<index])
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
        return keys
    }

    /// The string a raw JSON string body (between its quotes) stands for: escapes such as
    /// `\"`, `\/` and `\u0062` (surrogate pairs included) decoded by the same parser that
    /// read the header.
    static func unescaped(_ raw: ArraySlice<UInt8>) -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        var array: [UInt8] = Array("[\"".utf8)
        array += raw
        array += Array("\"]".utf8)
        if let decoded = (try? JSONSerialization.jsonObject(with: Data(array))) as? [String], decoded.count == 1 {
            return decoded[0]
        }
        return String(decoding: raw, as: UTF8.self)
    }
}
