import Foundation
import Synchronization

/// The heap buffer behind a `Tensor`: `count` Float32 values, 64-byte aligned so
/// vector loads never split a cache line.
///
/// It is `@unchecked Sendable` because a `Tensor` only writes through it after
/// `isKnownUniquelyReferenced` proved no other tensor shares it, and no pointer
/// escapes the `withUnsafe…` closures.
///
/// Large buffers are recycled through `BufferCache`: a forward pass allocates the same
/// activation sizes every time, and a freshly mapped buffer costs a page fault per 4 KiB
/// page on first touch (about 1.4 µs each on the KVM machines measured in
/// ../shared/peers/RESULTS.md), which for small, fast layers costs more than their arithmetic.
final class TensorStorage: @unchecked Sendable {
    let count: Int
    let base: UnsafeMutablePointer<Float>

    /// Allocates `count` floats; the caller initialises every one before reading.
    init(uninitializedCount count: Int) {
        self.count = count
        base = BufferCache.shared.take(count)
        BufferAllocations.record()
    }

    /// Allocates a copy of `other`.
    convenience init(copying other: TensorStorage) {
        self.init(uninitializedCount: other.count)
        base.update(from: other.base, count: count)
    }

    deinit {
        BufferCache.shared.give(base, count: count)
    }
}

/// A size-keyed free list of large tensor buffers, so repeated passes reuse memory that is
/// already mapped instead of faulting in fresh pages. Buffers below `minimumCount` floats
/// go straight back to malloc (its bins serve them fast); the cache holds at most
/// `capacityBytes` (256 MiB, or `GREENNN_BUFFER_CACHE_MB` megabytes; 0 turns it off) and
/// frees anything beyond.
final class BufferCache: Sendable {
    /// The process-wide cache.
    static let shared = BufferCache(
        capacityBytes: (ProcessInfo.processInfo.environment["GREENNN_BUFFER_CACHE_MB"].flatMap(Int.init) ?? 256) << 20)

    /// Buffers smaller than this many floats (64 KiB) are not cached.
    let minimumCount = 1 << 14
    /// The most bytes the cache keeps.
    let capacityBytes: Int

    init(capacityBytes: Int) {
        self.capacityBytes = Swift.max(0, capacityBytes)
    }

    private struct State {
        /// Free buffers by float count, as address bit patterns (plain values cross the lock).
        var free: [Int: [UInt]] = [:]
        var cachedBytes = 0
    }

    private let state = Mutex(State())

    /// A buffer of exactly `count` floats: a cached one if there is one, else a new one.
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count >= minimumCount {
            let reused: UInt? = state.withLock { state in
                guard let address = state.free[count]?.popLast() else { return nil }
                state.cachedBytes -= count * MemoryLayout<Float>.stride
                return address
            }
            if let reused, let buffer = UnsafeMutablePointer<Float>(bitPattern: reused) { return buffer }
        }
        return
            UnsafeMutableRawPointer
            .allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    /// Returns a buffer of `count` floats taken from `take(_:)`.
    func give(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        let bytes = count * MemoryLayout<Float>.stride
        let address = UInt(bitPattern: buffer)
        let kept =
            count >= minimumCount
            && state.withLock { state in
                guard state.cachedBytes + bytes <= capacityBytes else { return false }
                state.free[count, default: []].append(address)
                state.cachedBytes += bytes
                return true
            }
        if !kept { UnsafeMutableRawPointer(buffer).deallocate() }
    }
}
