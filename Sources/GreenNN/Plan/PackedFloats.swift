/// Floats a plan prepared once (folded weights, shifts, transformed Winograd weights) at a
/// fixed, 64-byte-aligned address, so its steps keep raw pointers to them for every call.
final class PackedFloats {
    /// The first float.
    let base: UnsafeMutablePointer<Float>
    /// How many there are.
    let count: Int

    /// A copy of `values`.
    init(_ values: [Float]) {
        count = values.count
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, count) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(1, count))
        values.withUnsafeBufferPointer { if let source = $0.baseAddress { base.update(from: source, count: count) } }
    }

    /// `count` floats filled by `fill`.
    init(count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) {
        self.count = count
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, count) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(1, count))
        fill(base)
    }

    deinit {
        UnsafeMutableRawPointer(base).deallocate()
    }
}
