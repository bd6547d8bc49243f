import GreenEnergy
import Testing

/// Expects `body` to throw an `EnergyError` whose description contains every fragment.
func expectEnergyError(
    _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record(
            "expected an EnergyError containing \(fragments), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as EnergyError {
        for fragment in fragments where !error.description.contains(fragment) {
            Issue.record("error \"\(error)\" does not mention \"\(fragment)\"", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected an EnergyError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects two doubles to agree within `tolerance` relative to the expected value.
func expectClose(
    _ actual: Double, _ expected: Double, tolerance: Double = 1e-12, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        abs(actual - expected) <= tolerance * Swift.max(1, abs(expected)), "got \(actual), expected \(expected)",
        sourceLocation: sourceLocation)
}
