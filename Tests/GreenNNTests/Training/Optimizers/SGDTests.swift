import Testing

@testable import GreenNN

/// `SGD`: one step by hand (plain, momentum, Nesterov, weight decay), the synthetic
/// regression solved to a mean squared error below 1e-4 in every mode, one state per shared
/// parameter, and its argument checks.
@Suite struct SGDTests {
    @Test func stepsFollowPyTorchsRule() throws {
        func run(_ optimizer: SGD, steps: Int) throws -> [Float] {
            let parameter = Parameter(try Tensor(shape: [2], scalars: [1, -2]))
            for _ in 0..<steps {
                parameter.gradient = try Tensor(shape: [2], scalars: [0.5, 1])
                try optimizer.update([parameter])
            }
            return parameter.value.scalars
        }
        #expect(try run(SGD(learningRate: 0.1), steps: 1) == [0.95, -2.1])
        // weight decay 0.1: g = [0.5 + 0.1, 1 − 0.2] = [0.6, 0.8].
        #expect(try run(SGD(learningRate: 0.1, weightDecay: 0.1), steps: 1) == [0.94, -2.08])
        // momentum 0.9, two steps of g: v1 = g, v2 = 1.9·g; p = p − 0.1·(g + 1.9·g) = p − 0.29·g.
        let momentum = try run(SGD(learningRate: 0.1, momentum: 0.9), steps: 2)
        #expect(abs(momentum[0] - (1 - 0.29 * 0.5)) < 1e-6 && abs(momentum[1] - (-2 - 0.29)) < 1e-6)
        // Nesterov: step 1 uses g + 0.9·g = 1.9·g.
        let nesterov = try run(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), steps: 1)
        #expect(abs(nesterov[0] - (1 - 0.19 * 0.5)) < 1e-6 && abs(nesterov[1] - (-2 - 0.19)) < 1e-6)
    }

    @Test(arguments: [(Float(0), false), (0.9, false), (0.9, true)])
    func solvesTheSyntheticRegression(_ setting: (momentum: Float, nesterov: Bool)) throws {
        let optimizer = try SGD(learningRate: 0.2, momentum: setting.momentum, nesterov: setting.nesterov)
        let (loss, _) = try SyntheticRegression().solve(with: optimizer, steps: 300)
        #expect(loss < 1e-4, "\(setting): loss \(loss)")
    }

    @Test func aSharedParameterHasOneStateAndOneUpdate() throws {
        let conv = try Conv2d(2, 2, kernelSize: 1)
        let model = try Sequential {
            conv; conv
        }
        let optimizer = try SGD(learningRate: 0.1, momentum: 0.5)
        for named in model.parameters { named.parameter.gradient = try Tensor.ones(named.parameter.value.shape) }
        let before = conv.weight.value.scalars
        try optimizer.update(model)
        #expect(optimizer.states.count == 2, "weight and bias, once each")
        #expect(zip(conv.weight.value.scalars, before).allSatisfy { abs($0 - ($1 - 0.1)) < 1e-6 }, "updated once")
        #expect(optimizer.states.state(for: conv.weight)?.velocity?.scalars.allSatisfy { $0 == 1 } == true)
    }

    @Test func rejectsArgumentsOutsideTheirRanges() {
        #expect(throws: TrainingError.invalidArgument("SGD: learningRate must be in [0, ∞), got -1.0")) {
            _ = try SGD(learningRate: -1)
        }
        #expect(throws: TrainingError.invalidArgument("SGD: momentum must be in [0, 1), got 1.0")) {
            _ = try SGD(learningRate: 0.1, momentum: 1)
        }
        #expect(throws: TrainingError.invalidArgument("SGD: nesterov needs a momentum above 0")) {
            _ = try SGD(learningRate: 0.1, nesterov: true)
        }
        #expect(throws: TrainingError.self) { _ = try SGD(learningRate: .nan) }
    }
}
