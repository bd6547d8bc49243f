import Testing

@testable import GreenNN

/// Issue #14: every count a cost formula computes from the input shape is checked, so an input
/// too large for `Int` is a `LayerError` naming the layer path, the count and the input, where
/// `greenbench table vgg16 --input 3x100000000x100000000` used to trap.
@Suite struct CostOverflowTests {
    /// VGG's opening as torchvision names it: `features` (conv 3→64, ReLU, pool), then a classifier.
    static func makeVGGLike() throws -> Sequential {
        var random = generator(1401)
        let features = try Sequential {
            try Conv2d(3, 64, kernelSize: 3, padding: 1, using: &random)
            ReLU()
            try MaxPool2d(kernelSize: 2)
        }
        return try Sequential(named: [
            NamedLayer("features", features), NamedLayer("avgpool", GlobalAvgPool2d()),
            NamedLayer("flatten", Flatten()), NamedLayer("classifier", try Linear(64, 10, using: &random)),
        ])
    }

    /// The first conv does 64·10¹⁶·27 ≈ 1.7·10¹⁹ MACs on this input, past `Int.max`.
    @Test func overflowingMACsAreATypedErrorNamingTheLayerPath() throws {
        let model = try Self.makeVGGLike()
        let input: Shape = [1, 3, 100_000_000, 100_000_000]
        let error = try #require(throws: LayerError.self) { try model.cost(for: input) }
        #expect(error.path == "features.0")
        #expect(error.reason == .sizeOverflow("MAC count on input [1, 3, 100000000, 100000000]"))
        #expect(
            error.description == "features.0 (Conv2d): MAC count on input [1, 3, 100000000, 100000000] overflows Int64")
        #expect(throws: LayerError.self) { try CostTable(model, input: input, name: "vgg-like") }
    }

    @Test func anInputWhoseElementCountOverflowsIsATypedError() throws {
        let error = try #require(throws: LayerError.self) {
            try ReLU().cost(for: [3, 100_000_000, 100_000_000, 100_000_000])
        }
        #expect(
            error.description == "ReLU: element count on input [3, 100000000, 100000000, 100000000] overflows Int64")
        let bytes = try #require(throws: LayerError.self) { try ReLU().cost(for: [1, 4_000_000_000_000_000_000]) }
        #expect(bytes.reason == .sizeOverflow("byte count on input [1, 4000000000000000000]"))
    }

    @Test func aNegativeDimensionIsAnInputShapeError() throws {
        let error = try #require(throws: LayerError.self) { try ReLU().cost(for: [1, -3]) }
        #expect(error.reason == .inputShape(expected: "non-negative dimensions", actual: [1, -3]))
    }

    /// H + 2·padding would overflow; the window geometry rejects a plane this large first.
    @Test func aPlaneTooLargeToPadIsATypedError() throws {
        let conv = try Conv2d(1, 1, kernelSize: 3, padding: 1)
        let error = try #require(throws: LayerError.self) { try conv.cost(for: [1, 1, Int.max, 1]) }
        #expect(error.kind == "Conv2d", "\(error)")
    }

    /// 10¹³ rows times a 1000x1000 weight: 10¹⁹ MACs.
    @Test func linearMACsAreChecked() throws {
        let error = try #require(throws: LayerError.self) {
            try Linear(1000, 1000).cost(for: [10_000_000_000_000, 1000])
        }
        #expect(error.description == "Linear: MAC count on input [10000000000000, 1000] overflows Int64")
    }

    /// Each application fits; three of them do not (3 · 4.6·10¹⁸ backward FLOPs).
    @Test func sharedBlockRepetitionsAreChecked() throws {
        var random = generator(1402)
        let block = try SharedBlock(Conv2d(8, 8, kernelSize: 3, padding: 1, using: &random), repetitions: 3)
        let input: Shape = [1, 8, 50_000_000, 40_000_000]
        let once = try block.block.cost(for: input)
        #expect(once.backwardFLOPs == 4 * once.macs + once.output.elementCount)
        let error = try #require(throws: LayerError.self) { try block.cost(for: input) }
        #expect(error.reason == .sizeOverflow("backward FLOP count on input [1, 8, 50000000, 40000000]"))
    }

    /// Each ReLU's 2·10¹⁸ FLOPs fit; the chain's total of 10¹⁹ does not.
    @Test func totalsOverLayersAreChecked() throws {
        let model = try Sequential {
            ReLU()
            ReLU()
            ReLU()
            ReLU()
            ReLU()
        }
        let error = try #require(throws: LayerError.self) { try model.cost(for: [1, 2_000_000_000_000_000_000]) }
        #expect(error.path.isEmpty)
        #expect(error.description == "Sequential: FLOP count on input [1, 2000000000000000000] overflows Int64")
    }
}
