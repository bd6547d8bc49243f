import Testing

@testable import GreenTensor

/// `split` as the inverse of `concatenate`, and its errors.
@Suite struct SplitTests {
    @Test(arguments: [0, 1, -1])
    func concatenateUndoesSplit(_ axis: Int) throws {
        let whole = randomTensor([4, 4, 4], seed: 371)
        let parts = try split(whole, sizes: [3, 0, 1], alongAxis: axis)
        var expected = [4, 4, 4]
        expected[axis < 0 ? 2 : axis] = 3
        #expect(parts[0].shape.dimensions == expected)
        #expect(parts[1].elementCount == 0)
        #expect(try concatenate(parts, alongAxis: axis).scalars == whole.scalars)
    }

    @Test func splitsChannelsIntoParts() throws {
        let tensor = try Tensor(shape: [1, 3, 1, 2], scalars: [1, 2, 3, 4, 5, 6])
        let parts = try split(tensor, sizes: [1, 2], alongAxis: 1)
        #expect(parts.map(\.shape) == [[1, 1, 1, 2], [1, 2, 1, 2]])
        #expect(parts.map(\.scalars) == [[1, 2], [3, 4, 5, 6]])
    }

    @Test func rejectsSizesThatDoNotCoverTheAxis() {
        expectTensorError(["split", "sum to 3"]) {
            _ = try split(randomTensor([1, 3], seed: 373), sizes: [1, 1], alongAxis: 1)
        }
        expectTensorError(["split", "axis 2"]) {
            _ = try split(randomTensor([1, 3], seed: 374), sizes: [3], alongAxis: 2)
        }
    }
}
