import Testing

@testable import GreenTensor

/// `gathered(at:)`: slices of the first axis in the order given, repeats allowed.
@Suite struct TensorGatherTests {
    @Test func gathersSlicesInOrder() throws {
        let tensor = try Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
        let batch = try tensor.gathered(at: [2, 0, 2])
        #expect(batch.shape == [3, 2] && batch.scalars == [20, 21, 0, 1, 20, 21])
        #expect(try tensor.gathered(at: [Int]()).shape == [0, 2])
    }

    @Test func rejectsIndicesOutsideTheAxis() {
        expectTensorError(["gathered(at:)", "[3]"]) { _ = try randomTensor([3, 2], seed: 381).gathered(at: [0, 3]) }
        expectTensorError(["gathered(at:)", "rank"]) { _ = try Tensor(1).gathered(at: [0]) }
    }
}
