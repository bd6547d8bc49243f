import Testing

@testable import GreenNN

/// `InferencePlan.selectFastestKernels` on steps whose choices take known times (each a busy
/// wait of 1 to 4 ms, far apart against the scheduler's noise): every step keeps its fastest
/// choice, and a step with fewer choices than the rounds runs its fastest so far in the rest.
@Suite struct MeasuredKernelSelectionTests {
    /// A step whose choice `i` runs for `milliseconds[i]`, recording every choice it is switched to.
    final class TimedStep: PlanStep {
        var origin = PlanStepOrigin(path: "timed", kind: "Timed")
        let inputs: [PlannedValue] = []
        let output = PlannedValue(shape: [1], id: 0)
        let milliseconds: [Int]
        private(set) var selected: [Int] = []

        init(milliseconds: [Int]) { self.milliseconds = milliseconds }

        var kernel: String { "timed" }
        var modelMACs: Int { 0 }
        var executedMACs: Int { 0 }
        var preparedFloats: Int { 0 }
        var kernelChoices: Int { milliseconds.count }
        func selectKernel(_ choice: Int) { selected.append(choice) }
        func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {}

        func run(workspace: Workspace) throws {
            let end = ContinuousClock.now + .milliseconds(milliseconds[selected.last ?? 0])
            while ContinuousClock.now < end {}
        }
    }

    @Test func everyStepKeepsItsFastestChoice() throws {
        let three = TimedStep(milliseconds: [3, 1, 2])
        let two = TimedStep(milliseconds: [1, 4])
        let one = TimedStep(milliseconds: [1])
        try InferencePlan.selectFastestKernels([three, two, one], workspace: Workspace())
        #expect(three.selected == [0, 1, 2, 1])
        // Round 2 has no third choice for `two`: it runs its fastest of rounds 0 and 1.
        #expect(two.selected == [0, 1, 0, 0])
        #expect(one.selected == [0, 0, 0, 0])
    }
}
