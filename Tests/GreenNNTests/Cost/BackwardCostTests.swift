import Foundation
import Testing

@testable import GreenNN

/// The backward columns of `LayerCost` against the closed forms of Docs/CostModel.md
/// ("Training cost"), composite rows against the sums of their children, and the tables'
/// totals.
@Suite struct BackwardCostTests {
    @Test func convolutionsAndLinearLayersCostTwiceTheirForwardMACs() throws {
        var random = generator(401)
        let input: Shape = [2, 3, 9, 8]
        let conv = try Conv2d(3, 4, kernelSize: 3, stride: 2, padding: 1, using: &random).cost(for: input)
        #expect(conv.backwardMACs == 2 * conv.macs && conv.backwardFLOPs == 4 * conv.macs + conv.output.elementCount)
        let plain = try Conv2d(3, 4, kernelSize: 3, bias: false, using: &random).cost(for: input)
        #expect(plain.backwardMACs == 2 * plain.macs && plain.backwardFLOPs == 4 * plain.macs)
        let depthwise = try DepthwiseConv2d(3, kernelSize: 3, padding: 1, using: &random).cost(for: input)
        #expect(
            depthwise.backwardMACs == 2 * depthwise.macs
                && depthwise.backwardFLOPs == 4 * depthwise.macs + depthwise.output.elementCount)
        let linear = try Linear(5, 7, using: &random).cost(for: [3, 5])
        #expect(linear.backwardMACs == 2 * 3 * 5 * 7 && linear.backwardFLOPs == 4 * 3 * 5 * 7 + 3 * 7)
    }

    @Test func layersWithoutMACsCountTheirBackwardFLOPsPerElement() throws {
        let input: Shape = [2, 3, 6, 8]
        let elements = input.elementCount
        #expect(try ReLU().cost(for: input).backwardFLOPs == elements)
        #expect(try ReLU6().cost(for: input).backwardFLOPs == 2 * elements)
        #expect(try BatchNorm2d(3).cost(for: input).backwardFLOPs == 7 * elements)
        #expect(try Softmax().cost(for: input).backwardFLOPs == 4 * elements)
        #expect(try Dropout(probability: 0.5).cost(for: input).backwardFLOPs == elements)
        #expect(try Flatten().cost(for: input).backwardFLOPs == 0)
        #expect(try GlobalAvgPool2d().cost(for: input).backwardFLOPs == 2 * 3)
        let outputs = 2 * 3 * 3 * 4
        #expect(try MaxPool2d(kernelSize: 2).cost(for: input).backwardFLOPs == outputs * 4)
        #expect(try AvgPool2d(kernelSize: 2).cost(for: input).backwardFLOPs == outputs * 5)
        let adaptive = try AdaptiveAvgPool2d(outputSize: 4).cost(for: input)
        #expect(adaptive.backwardFLOPs == adaptive.flops)
        for layer in [ReLU(), try MaxPool2d(kernelSize: 2), try BatchNorm2d(3)] as [any Layer] {
            #expect(try layer.cost(for: input).backwardMACs == 0, "\(layer)")
        }
    }

    @Test func compositeRowsSumTheirChildrenAndSharedBlocksMultiply() throws {
        let cost = try makeSmallModel().cost(for: [1, 1, 8, 8])
        func check(_ row: LayerCost) {
            guard !row.children.isEmpty else { return }
            let macs = row.children.reduce(0) { $0 + $1.backwardMACs }
            let flops = row.children.reduce(0) { $0 + $1.backwardFLOPs }
            #expect(row.backwardMACs == row.applications * macs, "backward MACs of \(row.kind) '\(row.name)'")
            #expect(row.backwardFLOPs == row.applications * flops, "backward FLOPs of \(row.kind) '\(row.name)'")
            row.children.forEach(check)
        }
        check(cost)
        let shared = try #require(cost.children.first { $0.kind == "SharedBlock" })
        #expect(shared.backwardMACs == 2 * 2 * 9_216)
        #expect(cost.backwardMACs == 2 * cost.macs)
    }

    @Test func fireAndBranchesAddTheGradientsWhereBranchesMeet() throws {
        var random = generator(402)
        let input: Shape = [2, 4, 5, 5]
        let fire = try Fire(4, squeeze: 2, expand1x1: 3, expand3x3: 3, using: &random)
        let fireCost = try fire.cost(for: input)
        #expect(fireCost.backwardFLOPs == fireCost.children.reduce(0) { $0 + $1.backwardFLOPs } + 2 * 2 * 5 * 5)
        let branches = try Branches {
            try Conv2d(4, 2, kernelSize: 1, using: &random); ReLU(); ReLU()
        }
        let branchesCost = try branches.cost(for: input)
        #expect(
            branchesCost.backwardFLOPs == branchesCost.children.reduce(0) { $0 + $1.backwardFLOPs } + 2
                * input.elementCount)
    }

    @Test func tablesReportTheBackwardTotals() throws {
        let table = try CostTable(makeSmallModel(), input: [1, 1, 8, 8], name: "small")
        let text = table.rendered(as: .text)
        #expect(
            text.contains("Backward MACs: 43,696   Backward FLOPs: \(CostNumber.grouped(table.total.backwardFLOPs))"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(table.rendered(as: .json).utf8)) as? [String: Any])
        let total = try #require(json["total"] as? [String: Any])
        #expect(total["backwardMACs"] as? Int == 43_696 && total["backwardFLOPs"] as? Int == table.total.backwardFLOPs)
    }
}
