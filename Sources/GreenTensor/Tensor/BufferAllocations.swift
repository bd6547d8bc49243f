import Synchronization

/// How many float buffers GreenTensor has handed out since the process started: one for every
/// tensor's storage (whether its memory came fresh from the allocator or back from the buffer
/// cache) and one each time a kernel workspace grew.
///
/// An inference plan hands out none once it has run once (its tensors live in one arena, its
/// scratch in a workspace already grown); the difference of two readings around a call shows it.
///
/// ```swift
/// let before = BufferAllocations.count
/// try plan.run(x, into: &y)
/// assert(BufferAllocations.count == before)
/// ```
public enum BufferAllocations {
    private static let counter = Atomic<Int>(0)

    /// Buffers handed out so far.
    public static var count: Int { counter.load(ordering: .relaxed) }

    /// Counts one more buffer.
    static func record() {
        counter.add(1, ordering: .relaxed)
    }
}
