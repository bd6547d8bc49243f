/// Where each buffer of a plan lives in its one arena: buffers whose lifetimes (first write to
/// last read, in step order) overlap get disjoint ranges; the others may share memory. Placed
/// largest first, each at the lowest offset clear of every overlapping buffer already placed,
/// as TFLite's and ncnn's arena planners do.
struct ArenaLayout {
    /// A buffer to place: its size in floats and the steps that first write and last read it.
    struct Buffer {
        /// Floats.
        var size: Int
        /// The first step writing it (-1: the plan's input, written before step 0).
        var firstWrite: Int
        /// The last step reading it (the step count: the plan's output, read after the last step).
        var lastRead: Int
    }

    /// Each buffer's offset in floats, in the order given; every offset is a multiple of 16 floats.
    let offsets: [Int]
    /// The arena's size in floats.
    let size: Int

    /// Lays out `buffers`.
    init(_ buffers: [Buffer]) {
        let aligned = buffers.map { ($0.size + 15) / 16 * 16 }
        var offsets = [Int](repeating: 0, count: buffers.count)
        var placed: [Int] = []
        var size = 0
        for index in buffers.indices.sorted(by: { aligned[$0] > aligned[$1] }) where aligned[index] > 0 {
            let live = buffers[index]
            let blockers =
                placed
                .filter { buffers[$0].firstWrite <= live.lastRead && live.firstWrite <= buffers[$0].lastRead }
                .map { (offsets[$0], offsets[$0] + aligned[$0]) }
                .sorted { $0.0 < $1.0 }
            var offset = 0
            for (start, end) in blockers {
                if offset + aligned[index] <= start { break }
                offset = Swift.max(offset, end)
            }
            offsets[index] = offset
            placed.append(index)
            size = Swift.max(size, offset + aligned[index])
        }
        self.offsets = offsets
        self.size = size
    }

    /// The layout of `builder`'s buffers: each lives from the step that first writes it to the
    /// last that reads it (the input from before the first step, the output past the last).
    init(_ builder: PlanBuilder, input: PlannedValue, output: PlannedValue) {
        let count = builder.steps.count
        var live = builder.bufferSizes.map { Buffer(size: $0, firstWrite: count, lastRead: -1) }
        func touch(_ value: PlannedValue, at index: Int, writing: Bool) {
            let buffer = builder.root(of: value.id).buffer
            if writing {
                live[buffer].firstWrite = Swift.min(live[buffer].firstWrite, index)
            } else {
                live[buffer].lastRead = Swift.max(live[buffer].lastRead, index)
            }
        }
        touch(input, at: -1, writing: true)
        touch(output, at: count, writing: false)
        for (index, step) in builder.steps.enumerated() {
            for value in step.inputs { touch(value, at: index, writing: false) }
            touch(step.output, at: index, writing: true)
        }
        for index in live.indices where live[index].lastRead < live[index].firstWrite {
            live[index].lastRead = live[index].firstWrite
        }
        self.init(live)
    }
}
