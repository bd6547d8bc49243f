import Testing

@testable import GreenNN

/// `InferencePlan.selectFastestKernels` on steps whose choices take known times (busy waits of
/// 1 to 4 ms, far apart against the scheduler's noise): every step keeps its fastest choice, a
/// step with fewer choices than the rounds runs its fastest so far in the rest, and a step on
/// one thread goes back to all threads where that makes the whole pass faster.
@Suite struct MeasuredKernelSelectionTests {
    /// Whether the last step to run ran on one thread (the workers then sleep).
    final class Workers {
        var asleep = false
    }

    /// A step whose choice `i` runs for `milliseconds[i]`, plus `wakeUp` ms when it follows a
    /// step on one thread; the choices in `oneThread` run on one thread, each the twin of the
    /// choice before it. It records every choice it is switched to.
    final class TimedStep: PlanStep {
        var origin = PlanStepOrigin(path: "timed", kind: "Timed")
        let inputs: [PlannedValue] = []
        let output = PlannedValue(shape: [1], id: 0)
        let milliseconds: [Int]
        let oneThread: Set<Int>
        let wakeUp: Int
        let workers: Workers
        private(set) var selected: [Int] = []

        init(milliseconds: [Int], oneThread: Set<Int> = [], wakeUp: Int = 0, workers: Workers = Workers()) {
            (self.milliseconds, self.oneThread, self.wakeUp, self.workers) = (milliseconds, oneThread, wakeUp, workers)
        }

        var kernel: String { "timed" }
        var modelMACs: Int { 0 }
        var executedMACs: Int { 0 }
        var preparedFloats: Int { 0 }
        var kernelChoices: Int { milliseconds.count }
        func selectKernel(_ choice: Int) { selected.append(choice) }
        func onAllThreads(_ choice: Int) -> Int { oneThread.contains(choice) ? choice - 1 : choice }
        func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {}

        func run(workspace: Workspace) throws {
            let choice = selected.last ?? 0
            let end = ContinuousClock.now + .milliseconds(milliseconds[choice] + (workers.asleep ? wakeUp : 0))
            while ContinuousClock.now < end {}
            workers.asleep = oneThread.contains(choice)
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

    /// The first step alone is faster on one thread (2 ms against 3), but the second then pays
    /// 3 ms to wake the workers: 2 + 4 against 3 + 1 a pass, so both stay on all threads.
    @Test func oneThreadGivesWayToAFasterPass() throws {
        let workers = Workers()
        let first = TimedStep(milliseconds: [3, 2], oneThread: [1], workers: workers)
        let second = TimedStep(milliseconds: [1], wakeUp: 3, workers: workers)
        try InferencePlan.selectFastestKernels([first, second], workspace: Workspace())
        #expect(first.selected.last == 0)
        // Where waking costs nothing, the faster choice on one thread stays.
        let quiet = Workers()
        let alone = TimedStep(milliseconds: [3, 2], oneThread: [1], workers: quiet)
        try InferencePlan.selectFastestKernels(
            [alone, TimedStep(milliseconds: [1], workers: quiet)], workspace: Workspace())
        #expect(alone.selected.last == 1)
    }
}
