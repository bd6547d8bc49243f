import Testing

@testable import GreenNN

/// `Branches`: every branch on the same input, outputs concatenated on channels; cost is
/// the sum of the branches. Tolerance 1e-5 relative.
@Suite struct BranchesTests {
    static func makeBranches(seed: UInt64 = 161) throws -> Branches {
        var random = generator(seed)
        return try Branches {
            try Conv2d(3, 4, kernelSize: 1, using: &random)
            try Conv2d(3, 2, kernelSize: 3, padding: 1, using: &random)
            try MaxPool2d(kernelSize: 3, stride: 1, padding: 1)
        }
    }

    @Test(arguments: [1, 3])
    func forwardConcatenatesTheBranches(_ batch: Int) throws {
        let branches = try Self.makeBranches()
        let input = randomTensor([batch, 3, 7, 9], seed: 162)
        let first = branches.branches[0] as! Conv2d, second = branches.branches[1] as! Conv2d
        let expected = Naive.concatenateChannels([
            Naive.conv2d(input, weight: first.weight.value, bias: first.bias?.value),
            Naive.conv2d(input, weight: second.weight.value, bias: second.bias?.value, padding: 1),
            Naive.pool(input, kernel: 3, stride: 1, padding: 1, average: false),
        ])
        expectClose(try branches(input), expected, tolerance: 1e-5, "N\(batch)")
    }

    @Test(arguments: [1, 3])
    func costIsTheSumOfTheBranches(_ batch: Int) throws {
        let branches = try Self.makeBranches()
        let input: Shape = [batch, 3, 7, 9]
        let cost = try branches.cost(for: input)
        let rows = try branches.branches.map { try $0.cost(for: input) }
        #expect(cost.output == [batch, 4 + 2 + 3, 7, 9])
        #expect(cost.macs == rows.reduce(0) { $0 + $1.macs } && cost.macs == batch * 7 * 9 * (4 * 3 + 2 * 27))
        #expect(cost.flops == rows.reduce(0) { $0 + $1.flops })
        #expect(cost.parameters == (4 * 3 + 4) + (2 * 27 + 2) && cost.parameters == branches.parameterCount)
        #expect(
            cost.activationBytes == rows.reduce(0) { $0 + $1.activationBytes } + 4 * batch * 9 * 7 * 9,
            "plus the concatenation")
        #expect(cost.children.map(\.name) == ["0", "1", "2"])
        CostChecks.expectCompositeRowsSumTheirChildren(cost)
        try CostChecks.expectCostMatchesForward(branches, input: randomTensor(input, seed: 163))
    }

    @Test func rejectsBranchesThatDisagreeOnThePlane() throws {
        let branches = try Branches {
            try Conv2d(3, 4, kernelSize: 1); try Conv2d(3, 4, kernelSize: 3)
        }
        expectLayerError(["Branches", "[1, 4, 7, 9] vs [1, 4, 5, 7]"]) { _ = try branches.cost(for: [1, 3, 7, 9]) }
        expectLayerError(["Branches", "concatenate"]) { _ = try branches(randomTensor([1, 3, 7, 9], seed: 1)) }
    }

    @Test func wrongInputNamesTheBranch() throws {
        let branches = try Branches {
            try Conv2d(3, 4, kernelSize: 1); try Conv2d(5, 4, kernelSize: 1)
        }
        expectLayerError([], startingWith: "1 (Conv2d): expected input [N, 5, H, W], got [1, 3, 7, 9]") {
            _ = try branches(randomTensor([1, 3, 7, 9], seed: 1))
        }
        let model = try Sequential {
            ReLU(); branches
        }
        expectLayerError([], startingWith: "1.1 (Conv2d): expected input [N, 5, H, W], got [1, 3, 7, 9]") {
            _ = try model.cost(for: [1, 3, 7, 9])
        }
    }

    @Test func rejectsNoBranches() {
        expectLayerError(["Branches", "needs at least one branch"]) { _ = try Branches([]) }
    }

    @Test func descriptionIsTheTree() throws {
        #expect(
            try Self.makeBranches().description == """
                Branches(
                  (0): Conv2d(3, 4, kernelSize: 1)
                  (1): Conv2d(3, 2, kernelSize: 3, padding: 1)
                  (2): MaxPool2d(kernelSize: 3, stride: 1, padding: 1)
                )
                """)
    }
}
