/// Max, average or global average pooling of every plane in a plan, straight between arena buffers.
final class PoolingStep: PlanStep {
    /// Which pooling.
    enum Mode {
        /// The largest value in each window.
        case max(WindowGeometry)
        /// The mean of each window.
        case average(WindowGeometry, countIncludesPadding: Bool)
        /// The mean of each plane.
        case global
    }

    var origin: PlanStepOrigin
    let inputs: [PlannedValue]
    let output: PlannedValue
    /// Which pooling, over which window.
    let mode: Mode
    private var buffers: (source: StridedBatch, target: StridedBatch)?

    /// Pools `input` into `output`.
    init(origin: PlanStepOrigin, input: PlannedValue, output: PlannedValue, mode: Mode) {
        self.origin = origin
        self.inputs = [input]
        self.output = output
        self.mode = mode
    }

    var kernel: String {
        switch mode {
        case .max: "max pool direct"
        case .average: "average pool direct"
        case .global: "plane sum"
        }
    }

    var modelMACs: Int { 0 }
    var executedMACs: Int { 0 }

    var preparedFloats: Int { 0 }

    func bind(_ resolve: (PlannedValue) -> StridedBatch) throws {
        buffers = (resolve(inputs[0]), resolve(output))
    }

    func run(workspace: Workspace) throws {
        guard let (source, target) = buffers else { return }
        switch mode {
        case let .max(geometry): maxPool(source, geometry: geometry, into: target)
        case let .average(geometry, countIncludesPadding):
            averagePool(source, geometry: geometry, countIncludesPadding: countIncludesPadding, into: target)
        case .global: globalAveragePool(source, into: target)
        }
    }
}
