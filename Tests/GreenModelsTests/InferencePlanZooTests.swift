import Testing

@testable import GreenModels

/// Every zoo model and variant: its inference plan against the eager forward pass in inference
/// mode, BatchNorm statistics randomised so that folding them matters. Tolerance: max |plan −
/// eager| <= 1e-4 · max |eager| (float rounding of a reordered sum; Winograd adds its transforms'
/// rounding). ImageNet-sized models run at 64x64 to keep the debug suite fast (their adaptive
/// pool then upsamples 2x2 to 7x7, an opaque step).
@Suite struct InferencePlanZooTests {
    @Test(arguments: ModelZoo.names)
    func planMatchesTheEagerPass(_ name: String) throws {
        let entry = try ModelZoo.entry(named: name)
        let model = try ModelZoo.model(named: name, seed: 3)
        var generator = SeededGenerator(seed: 11)
        try randomiseStatistics(of: model, using: &generator)
        model.eval()
        var shape = entry.input(batch: 2)
        if shape[2] > 64 { shape = [2, shape[1], 64, 64] }
        let input = try Tensor.uniform(shape, in: 0..<1, using: &generator)
        let eager = try model(input)
        let plan = try model.inferencePlan(for: shape)
        let planned = try plan(input)
        #expect(planned.shape == eager.shape)
        let scale = eager.scalars.map(abs).max() ?? 1
        let difference = zip(planned.scalars, eager.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(difference <= 1e-4 * scale, "\(name): max |Δ| \(difference), max |eager| \(scale)")
        #expect(
            plan.modelMACs == (try model.cost(for: shape)).macs || plan.steps.contains { $0.kernel == "opaque forward" }
        )
    }
}

/// Gives every BatchNorm in `layer`'s tree running statistics far from (0, 1).
func randomiseStatistics(of layer: any Layer, using generator: inout SeededGenerator) throws {
    if let norm = layer as? BatchNorm2d {
        norm.runningMean = try Tensor.uniform([norm.channels], in: -0.5..<0.5, using: &generator)
        norm.runningVariance = try Tensor.uniform([norm.channels], in: 0.5..<2, using: &generator)
    }
    for child in layer.children { try randomiseStatistics(of: child.layer, using: &generator) }
}
