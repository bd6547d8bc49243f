import Testing

@testable import GreenNN

/// Expects two tensors to agree within `tolerance`, absolute plus the same relative to the
/// reference (`|a − e| <= tolerance·(1 + |e|)`). On failure it reports the first mismatch
/// by its N/C/H/W index (or its index for other ranks) and both values.
func expectClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float, _ context: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.shape == expected.shape else {
        Issue.record("\(context): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    let a = actual.scalars, e = expected.scalars
    for index in a.indices where !(abs(a[index] - e[index]) <= tolerance * (1 + abs(e[index]))) {
        Issue.record(
            "\(context): at \(position(of: index, in: expected.shape)) got \(a[index]), expected \(e[index]) (tolerance \(tolerance))",
            sourceLocation: sourceLocation)
        return
    }
}

/// "N 0, C 2, H 3, W 4" for an NCHW tensor, "[1, 7]" otherwise.
func position(of flatIndex: Int, in shape: Shape) -> String {
    var coordinates: [Int] = []
    var rest = flatIndex
    for dimension in shape.dimensions.reversed() {
        coordinates.insert(rest % max(dimension, 1), at: 0)
        rest /= max(dimension, 1)
    }
    guard coordinates.count == 4 else { return "\(coordinates)" }
    return zip(["N", "C", "H", "W"], coordinates).map { "\($0) \($1)" }.joined(separator: ", ")
}

/// Expects `body` to throw a `LayerError` whose description contains every fragment (and,
/// when given, starts with `prefix`). Returns the error for further checks.
@discardableResult
func expectLayerError(
    _ fragments: [String], startingWith prefix: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> LayerError? {
    do {
        try body()
        Issue.record(
            "expected a LayerError containing \(fragments), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LayerError {
        for fragment in fragments where !error.description.contains(fragment) {
            Issue.record("error \"\(error)\" does not mention \"\(fragment)\"", sourceLocation: sourceLocation)
        }
        if let prefix, !error.description.hasPrefix(prefix) {
            Issue.record("error \"\(error)\" does not start with \"\(prefix)\"", sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected a LayerError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A generator for reproducible layer weights.
func generator(_ seed: UInt64) -> SeededGenerator { SeededGenerator(seed: seed) }

/// Whether some call of `body` (of up to 5,000) leaves `BufferAllocations` unchanged. The counter
/// is process-wide and other tests allocate in parallel, so one quiet call is the evidence: code
/// that allocated on every call would never show one.
func someCallAllocatesNothing(_ body: () throws -> Void) rethrows -> Bool {
    for _ in 0..<5000 {
        let before = BufferAllocations.count
        try body()
        if BufferAllocations.count == before { return true }
    }
    return false
}
