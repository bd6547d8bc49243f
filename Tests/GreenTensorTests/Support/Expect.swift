import Testing

@testable import GreenTensor

/// Expects two tensors to agree within `tolerance` (absolute, plus the same relative to
/// the reference); on failure reports the first mismatching index and both values.
func expectClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float, _ context: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.shape == expected.shape else {
        Issue.record("\(context): shape \(actual.shape) != expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    let a = actual.scalars, e = expected.scalars
    for index in a.indices where !(abs(a[index] - e[index]) <= tolerance * (1 + abs(e[index]))) {
        var position: [Int] = []
        var rest = index
        for dimension in expected.shape.dimensions.reversed() {
            position.insert(rest % Swift.max(dimension, 1), at: 0)
            rest /= Swift.max(dimension, 1)
        }
        Issue.record(
            "\(context): at \(position) got \(a[index]), expected \(e[index]) (tolerance \(tolerance))",
            sourceLocation: sourceLocation)
        return
    }
}

/// Expects `body` to throw a `TensorError` whose description contains every fragment.
func expectTensorError(
    _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record(
            "expected a TensorError containing \(fragments), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as TensorError {
        for fragment in fragments where !error.description.contains(fragment) {
            Issue.record("error \"\(error)\" does not mention \"\(fragment)\"", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a TensorError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Runs `body` with `threads` compute threads and no minimum parallel work (so small test shapes
/// still take the parallel paths), on this task only: suites running side by side keep theirs.
/// - Throws: what `body` throws, or `TensorError` for a thread count outside 1...1024.
func withParallelism(threads: Int, _ body: () throws -> Void) throws {
    try ComputeThreads.withSettings(threads: threads, minimumParallelWork: 0, body)
}
