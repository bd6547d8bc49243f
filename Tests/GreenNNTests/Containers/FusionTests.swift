import Testing

@testable import GreenNN

/// In inference a chain runs conv → BatchNorm → ReLU/ReLU6 as one fused pass; the result must
/// equal running the three layers one by one. Tolerance 1e-5 relative (one rounding order
/// differs: the BatchNorm scale is applied to the sum once instead of to its result).
@Suite struct FusionTests {
    func batchNorm(_ channels: Int, seed: UInt64) throws -> BatchNorm2d {
        var generator = SeededGenerator(seed: seed)
        let norm = try BatchNorm2d(channels)
        norm.runningMean = try Tensor.uniform([channels], in: -0.5..<0.5, using: &generator)
        norm.runningVariance = try Tensor.uniform([channels], in: 0.5..<2, using: &generator)
        norm.weight.value = try Tensor.uniform([channels], in: 0.5..<1.5, using: &generator)
        norm.bias.value = try Tensor.uniform([channels], in: -0.5..<0.5, using: &generator)
        return norm
    }

    func expectFusedEqualsUnfused(_ layers: [any Layer], input: Tensor) throws {
        let chain = try Sequential(layers)
        chain.eval()
        let fused = try chain(input)
        var unfused = input
        for layer in layers { unfused = try layer.forward(unfused) }
        #expect(fused.isApproximatelyEqual(to: unfused, absoluteTolerance: 1e-5, relativeTolerance: 1e-5))
    }

    @Test(arguments: [1, 3])
    func convBatchNormReLUMatchesLayerByLayer(_ batch: Int) throws {
        var generator = SeededGenerator(seed: 3)
        let input = try Tensor.uniform([batch, 4, 9, 7], in: -1..<1, using: &generator)
        try expectFusedEqualsUnfused(
            [try Conv2d(4, 6, kernelSize: 3, padding: 1, using: &generator), try batchNorm(6, seed: 4), ReLU()],
            input: input)
        try expectFusedEqualsUnfused(
            [try Conv2d(4, 6, kernelSize: 3, bias: false, using: &generator), try batchNorm(6, seed: 5), ReLU6()],
            input: input)
        try expectFusedEqualsUnfused([try Conv2d(4, 5, kernelSize: 1, using: &generator), ReLU()], input: input)
        try expectFusedEqualsUnfused(
            [try Conv2d(4, 5, kernelSize: 3, using: &generator), try batchNorm(5, seed: 6)], input: input)
        try expectFusedEqualsUnfused(
            [
                try FlattenedConv2d(4, 6, kernelSize: 3, stride: 2, padding: 1, using: &generator),
                try batchNorm(6, seed: 7), ReLU(),
            ], input: input)
    }

    @Test func smallPlanesFuseToo() throws {
        var generator = SeededGenerator(seed: 8)
        let input = try Tensor.uniform([3, 4, 3, 3], in: -1..<1, using: &generator)
        try expectFusedEqualsUnfused(
            [try Conv2d(4, 6, kernelSize: 3, padding: 1, using: &generator), try batchNorm(6, seed: 9), ReLU()],
            input: input)
    }

    @Test func depthwiseBatchNormReLU6MatchesLayerByLayer() throws {
        var generator = SeededGenerator(seed: 10)
        let input = try Tensor.uniform([2, 5, 8, 6], in: -3..<3, using: &generator)
        try expectFusedEqualsUnfused(
            [
                try DepthwiseConv2d(5, kernelSize: 3, stride: 2, padding: 1, using: &generator),
                try batchNorm(5, seed: 11), ReLU6(),
            ],
            input: input)
    }

    @Test func trainingModeDoesNotFuse() throws {
        var generator = SeededGenerator(seed: 12)
        let input = try Tensor.uniform([2, 3, 6, 6], in: -1..<1, using: &generator)
        let norm = try BatchNorm2d(4)
        let chain = try Sequential([try Conv2d(3, 4, kernelSize: 3, using: &generator), norm, ReLU()])
        chain.train()
        _ = try chain(input)
        // Only a real training-mode BatchNorm pass moves the running statistics.
        #expect(norm.runningMean.scalars != [0, 0, 0, 0])
    }
}
