/// A reusable scratch buffer for kernels (im2col columns, padded planes), owned by one
/// layer so repeated forward passes do not allocate (Darknet's workspace).
///
/// It grows to the largest request and is never returned to callers as a tensor,
/// so copy-on-write never sees it. Not thread-safe: one workspace per layer, one
/// layer per task.
public final class Workspace {
    private var buffer: UnsafeMutablePointer<Float>?
    private var capacity = 0

    /// Creates an empty workspace; it allocates on first use.
    public init() {}

    /// Floats currently held.
    public var count: Int { capacity }

    /// A buffer of at least `count` floats; its contents are undefined.
    package func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity || buffer == nil {
            buffer.map { UnsafeMutableRawPointer($0).deallocate() }
            capacity = Swift.max(count, 1)
            BufferAllocations.record()
            buffer =
                UnsafeMutableRawPointer
                .allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
                .bindMemory(to: Float.self, capacity: capacity)
        }
        return buffer!
    }

    deinit {
        buffer.map { UnsafeMutableRawPointer($0).deallocate() }
    }
}

/// A raw pointer handed to parallel workers that read it or write disjoint ranges of it.
/// The one audited `@unchecked Sendable` wrapper the kernels use.
package struct SharedPointer: @unchecked Sendable {
    /// The first float.
    package let base: UnsafeMutablePointer<Float>

    /// Wraps `base`.
    package init(_ base: UnsafeMutablePointer<Float>) {
        self.base = base
    }
}
