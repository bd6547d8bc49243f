import GreenTensor
import Testing

@testable import GreenNN

/// Inference plans against the eager forward pass (inference mode), tolerance 1e-5 relative to
/// the largest output; what the planner fused, where the branches wrote, what a call allocates,
/// and the errors for shapes the plan was not built for.
@Suite struct InferencePlanTests {
    /// A small network touching every planned kind: conv + BN + ReLU, depthwise-separable with
    /// BN and ReLU6 inside, Fire, branches, pools, flatten, dropout, linear + ReLU.
    static func makeNetwork(seed: UInt64 = 501) throws -> Sequential {
        var random = generator(seed)
        let norm = try BatchNorm2d(8)
        norm.runningMean = randomTensor([8], seed: seed + 1, in: -0.5..<0.5)
        norm.runningVariance = randomTensor([8], seed: seed + 2, in: 0.5..<2)
        let inner = try BatchNorm2d(12)
        inner.runningMean = randomTensor([12], seed: seed + 3, in: -0.5..<0.5)
        inner.runningVariance = randomTensor([12], seed: seed + 4, in: 0.5..<2)
        return try Sequential {
            try Conv2d(3, 8, kernelSize: 3, padding: 1, using: &random)
            norm
            ReLU()
            try MaxPool2d(kernelSize: 2)
            try Sequential {
                try DepthwiseConv2d(8, kernelSize: 3, padding: 1, using: &random)
                try Conv2d(8, 12, kernelSize: 1, using: &random)
                inner
                ReLU6()
            }
            try Fire(12, squeeze: 4, expand1x1: 6, expand3x3: 6, using: &random)
            try Branches {
                try Conv2d(12, 4, kernelSize: 1, using: &random)
                ReLU()
                try AvgPool2d(kernelSize: 3, stride: 1, padding: 1)
            }
            GlobalAvgPool2d()
            Flatten()
            try Dropout(probability: 0.5)
            try Linear(28, 10, using: &random)
            ReLU()
        }
    }

    @Test(arguments: [1, 3])
    func planMatchesTheEagerPass(_ batch: Int) throws {
        let model = try Self.makeNetwork()
        model.eval()
        let input = randomTensor([batch, 3, 10, 14], seed: 502)
        let plan = try model.inferencePlan(for: input.shape)
        expectClose(try plan(input), try model(input), tolerance: 1e-5, "N\(batch)")
        #expect(plan.modelMACs == (try model.cost(for: input.shape)).macs)
    }

    /// Timed kernel choice: every 3x3 stride-1 conv picks Winograd or im2col, same result.
    @Test func measuredKernelSelectionMatchesTheEagerPass() throws {
        var random = generator(510)
        let model = try Sequential {
            try Conv2d(8, 16, kernelSize: 3, padding: 1, using: &random)
            ReLU()
            try Conv2d(16, 16, kernelSize: 3, padding: 1, using: &random)
        }
        let input = randomTensor([2, 8, 32, 32], seed: 511)
        let plan = try model.inferencePlan(for: input.shape, kernelSelection: .measured)
        #expect(plan.steps.allSatisfy { $0.kernel.hasPrefix("winograd") || $0.kernel.hasPrefix("im2col+") })
        let eager = try model(input)
        let scale = eager.scalars.map(abs).max()!
        let difference = zip(try plan(input).scalars, eager.scalars).map { abs($0 - $1) }.max()!
        #expect(difference <= 1e-4 * scale)
        let byShape = try model.inferencePlan(for: input.shape)
        #expect(byShape.steps.allSatisfy { $0.kernel.hasPrefix("winograd F(4x4,3x3)") })
        #expect(byShape.steps[0].executedMACs * 4 == byShape.steps[0].modelMACs)
    }

    /// A first conv on 3 channels (a wide plane, stride 2, BatchNorm and ReLU6 folded) plans to the
    /// direct kernel on AVX-512 (the other instruction sets put it after the GEMMs), and every
    /// kernel the measured selection may keep matches the eager pass.
    @Test func aFirstConvOnFewChannelsRunsOnTheDirectKernel() throws {
        var random = generator(512)
        let norm = try BatchNorm2d(10)
        norm.runningMean = randomTensor([10], seed: 513, in: -0.5..<0.5)
        norm.runningVariance = randomTensor([10], seed: 514, in: 0.5..<2)
        let model = try Sequential {
            try Conv2d(3, 10, kernelSize: 3, stride: 2, padding: 1, using: &random)
            norm
            ReLU6()
        }
        let input = randomTensor([2, 3, 9, 70], seed: 515)
        let eager = try model(input)
        let byShape = try model.inferencePlan(for: input.shape)
        #expect(byShape.steps.count == 1)
        #expect((byShape.steps[0].kernel == "direct (few channels)") == (KernelInstructionSet.active == .avx512))
        expectClose(try byShape(input), eager, tolerance: 1e-5)
        expectClose(
            try model.inferencePlan(for: input.shape, kernelSelection: .measured)(input), eager, tolerance: 1e-5)
    }

    @Test func batchNormAndActivationsFoldIntoTheirProducers() throws {
        let model = try Self.makeNetwork()
        let plan = try model.inferencePlan(for: [1, 3, 10, 14])
        let first = try #require(plan.steps.first)
        #expect(first.path == "0" && first.fused == ["BatchNorm2d", "ReLU"])
        #expect(plan.steps.contains { $0.path == "4.1" && $0.fused == ["BatchNorm2d", "ReLU6"] })
        #expect(plan.steps.contains { $0.path == "10" && $0.fused == ["ReLU"] && $0.kernel == "matrix-vector" })
        // Only the ReLU branch of `Branches` (whose input the other branches read) runs on its own.
        #expect(
            plan.steps.filter { ["BatchNorm2d", "ReLU", "ReLU6", "Flatten", "Dropout"].contains($0.kind) }.map(\.path)
                == ["6.1"])
    }

    @Test func branchesWriteIntoTheirChannelsOfTheConcatenation() throws {
        let model = try Self.makeNetwork()
        let plan = try model.inferencePlan(for: [2, 3, 10, 14])
        #expect(!plan.steps.contains { $0.kernel == "copy" })
        #expect(plan.steps.filter { $0.path.hasPrefix("5.expand") }.count == 2)
    }

    @Test func aBranchThatIsAnActivationDoesNotClampTheSharedInput() throws {
        var random = generator(503)
        let model = try Sequential {
            try Conv2d(2, 3, kernelSize: 1, using: &random)
            try Branches {
                ReLU()
                try Conv2d(3, 2, kernelSize: 1, using: &random)
            }
        }
        let input = randomTensor([2, 2, 4, 5], seed: 504)
        let plan = try model.inferencePlan(for: input.shape)
        expectClose(try plan(input), try model(input), tolerance: 1e-5)
        #expect(plan.steps.contains { $0.kind == "ReLU" && $0.kernel == "clamp" })
    }

    /// One allocation-free call is the evidence (`someCallAllocatesNothing`).
    @Test func aCallAllocatesNothingAfterTheFirst() throws {
        let model = try Self.makeNetwork()
        let input = randomTensor([3, 3, 10, 14], seed: 505)
        let plan = try model.inferencePlan(for: input.shape)
        var output = try Tensor.zeros(plan.outputShape)
        try plan.run(input, into: &output)
        let first = output.scalars
        #expect(try someCallAllocatesNothing { try plan.run(input, into: &output) })
        #expect(output.scalars == first)
    }

    /// A flattened conv's vertical and horizontal stages run as one step, two convs per plane,
    /// the BatchNorm and ReLU after them folded into the second; the intermediate tensor takes no
    /// arena memory. Calibration plans every value, so the int8 plan keeps three steps.
    @Test func twoDepthwiseConvsInARowRunAsOneStep() throws {
        var random = generator(970)
        let model = try Sequential {
            try FlattenedConv2d(4, 6, kernelSize: 3, padding: 1, using: &random)
            try BatchNorm2d(6)
            ReLU()
        }
        model.eval()
        let input = randomTensor([2, 4, 9, 10], seed: 971)
        let plan = try model.inferencePlan(for: input.shape)
        #expect(plan.steps.count == 2)
        let pair = try #require(plan.steps.last)
        #expect(pair.kernel == "depthwise direct, 2 convs per plane" && pair.path == "0.vertical")
        #expect(pair.fused == ["0.horizontal (DepthwiseConv2d)", "BatchNorm2d", "ReLU"])
        expectClose(try plan(input), try model(input), tolerance: 1e-5)
        // The lateral conv's output, the pair's input, and the pair's output: nothing for the intermediate.
        #expect(plan.arenaBytes <= 4 * (2 * 4 * 90 + 2 * 6 * 90 + 2 * 6 * 90) + 3 * 64)
        let quantized = try model.quantized(calibratingOn: [input], method: .minMax).inferencePlan(for: input.shape)
        #expect(quantized.steps.count == 3)
        let (q, f) = (try quantized(input), try model(input))
        #expect(zip(q.scalars, f.scalars).map { abs($0 - $1) }.max()! <= 0.05 * f.scalars.map(abs).max()!)
    }

    @Test func theArenaReusesMemoryOfDeadTensors() throws {
        let model = try Self.makeNetwork()
        let shape: Shape = [1, 3, 10, 14]
        let plan = try model.inferencePlan(for: shape)
        let written = plan.steps.reduce(0) { $0 + 4 * $1.outputShape.elementCount } + 4 * shape.elementCount
        #expect(plan.arenaBytes < written)
        #expect(plan.arenaBytes >= 4 * (8 * 10 * 14 + 3 * 10 * 14))
    }

    @Test func aShapeThePlanWasNotBuiltForIsATypedError() throws {
        let model = try Self.makeNetwork()
        let plan = try model.inferencePlan(for: [1, 3, 10, 14])
        let wrong = randomTensor([2, 3, 10, 14], seed: 506)
        let error = try #require(throws: LayerError.self) { try plan(wrong) }
        #expect(error.description.contains("[1, 3, 10, 14]") && error.description.contains("[2, 3, 10, 14]"))
        var output = try Tensor.zeros([1, 9])
        #expect(throws: LayerError.self) { try plan.run(randomTensor([1, 3, 10, 14], seed: 507), into: &output) }
    }

    @Test func aShapeTheModelCannotTakeFailsToPlanWithTheLayerPath() throws {
        let model = try Self.makeNetwork()
        let error = try #require(throws: LayerError.self) { try model.inferencePlan(for: [1, 4, 10, 14]) }
        #expect(error.path == "0" && error.description.contains("[1, 4, 10, 14]"))
    }

    @Test func aLayerWithoutPlanningRunsAsAnOpaqueStep() throws {
        var random = generator(508)
        let model = try Sequential {
            try Conv2d(2, 4, kernelSize: 3, padding: 1, using: &random)
            Softmax()
            ReLU()
        }
        let input = randomTensor([2, 2, 5, 5], seed: 509)
        let plan = try model.inferencePlan(for: input.shape)
        #expect(plan.steps.map(\.kernel).dropFirst() == ["opaque forward", "clamp"])
        #expect(plan.steps[0].kernel.hasPrefix("im2col+"))
        expectClose(try plan(input), try model(input), tolerance: 1e-5)
    }

    @Test func theArenaLayoutKeepsLiveBuffersApart() {
        let buffers = [
            ArenaLayout.Buffer(size: 100, firstWrite: -1, lastRead: 0),
            ArenaLayout.Buffer(size: 50, firstWrite: 0, lastRead: 1),
            ArenaLayout.Buffer(size: 80, firstWrite: 1, lastRead: 2),
            ArenaLayout.Buffer(size: 10, firstWrite: 2, lastRead: 3),
        ]
        let layout = ArenaLayout(buffers)
        for i in buffers.indices {
            for j in buffers.indices where i < j {
                let overlapInTime =
                    buffers[i].firstWrite <= buffers[j].lastRead && buffers[j].firstWrite <= buffers[i].lastRead
                let (a, b) = (
                    layout.offsets[i]..<(layout.offsets[i] + buffers[i].size),
                    layout.offsets[j]..<(layout.offsets[j] + buffers[j].size)
                )
                #expect(!overlapInTime || !a.overlaps(b), "buffers \(i) and \(j)")
            }
        }
        #expect(layout.size < 112 + 64 + 80 + 16)
        #expect(layout.offsets.allSatisfy { $0 % 16 == 0 })
    }
}
