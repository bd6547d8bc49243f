/// The heap buffer behind a `Tensor`: `count` Float32 values, 64-byte aligned so
/// vector loads never split a cache line.
///
/// It is `@unchecked Sendable` because a `Tensor` only writes through it after
/// `isKnownUniquelyReferenced` proved no other tensor shares it, and no pointer
/// escapes the `withUnsafe…` closures.
final class TensorStorage: @unchecked Sendable {
    let count: Int
    let base: UnsafeMutablePointer<Float>

    /// Allocates `count` floats; the caller initialises every one before reading.
    init(uninitializedCount count: Int) {
        self.count = count
        base = UnsafeMutableRawPointer
            .allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    /// Allocates a copy of `other`.
    convenience init(copying other: TensorStorage) {
        self.init(uninitializedCount: other.count)
        base.update(from: other.base, count: count)
    }

    deinit {
        UnsafeMutableRawPointer(base).deallocate()
    }
}
