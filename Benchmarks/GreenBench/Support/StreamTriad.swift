import GreenTensor

/// The STREAM triad (McCalpin): a[i] = b[i] + s·c[i] over arrays far larger than the
/// last-level cache, split across GreenNN's worker threads. Reports GB/s counting
/// 3 × 4 bytes per element, as STREAM does (write-allocate traffic not counted).
enum StreamTriad {
    /// Elements per array: 16 Mi floats = 64 MiB each.
    static let elements = 1 << 24

    /// The median bandwidth over `runs` timed passes (after one warm-up), in GB/s.
    static func measure(runs: Int) -> Double {
        let a = UnsafeMutablePointer<Float>.allocate(capacity: elements)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: elements)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: elements)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        let arrays = (SharedArray(a), SharedArray(b), SharedArray(c))
        parallelFor(elements) { _, range in
            for i in range {
                arrays.0.base[i] = 0
                arrays.1.base[i] = 1
                arrays.2.base[i] = 2
            }
        }
        let timing = Timing.measure(warmup: 1, minimumRuns: runs, minimumSeconds: 0) {
            parallelFor(elements) { _, range in
                let (a, b, c) = (arrays.0.base, arrays.1.base, arrays.2.base)
                for i in range { a[i] = b[i] + 3 * c[i] }
            }
        }
        return Double(3 * 4 * elements) / timing.median / 1e9
    }

    /// A pointer to memory that parallel workers write in disjoint ranges.
    struct SharedArray: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
        init(_ base: UnsafeMutablePointer<Float>) { self.base = base }
    }
}
