import Testing

@testable import GreenTensor

/// Issue #14: a shape from user input or a file is checked before anything multiplies its
/// dimensions, and an overflow is a `TensorError.sizeOverflow`, not a trap.
@Suite struct ShapeOverflowTests {
    static let huge: Shape = [3, 100_000_000, 100_000_000, 100_000_000]

    @Test func checkedProductAndSumReportOverflow() {
        #expect(checkedProduct([64, 100_000_000, 100_000_000]) == 640_000_000_000_000_000)
        #expect(checkedProduct([64, 100_000_000, 100_000_000, 27]) == nil)
        #expect(checkedProduct([Int]()) == 1)
        #expect(checkedSum([Int.max - 1, 1]) == Int.max)
        #expect(checkedSum([Int.max, 1]) == nil)
        #expect(checkedSum([Int]()) == 0)
    }

    @Test func checkedElementCountThrowsOnOverflow() throws {
        #expect(try Shape([1, 3, 224, 224]).checkedElementCount(for: "test") == 150_528)
        #expect(try Shape([0, 7]).checkedElementCount(for: "test") == 0)
        #expect(throws: TensorError.sizeOverflow(operation: "test", quantity: "the element count", shape: Self.huge)) {
            try Self.huge.checkedElementCount(for: "test")
        }
        // A zero does not hide an overflowing product of the other dimensions.
        let hidden: Shape = [0, Int.max, 2]
        #expect(throws: TensorError.sizeOverflow(operation: "test", quantity: "the element count", shape: hidden)) {
            try hidden.checkedElementCount(for: "test")
        }
        #expect(throws: TensorError.self) { try Shape([2, -1]).checkedElementCount(for: "test") }
    }

    @Test func theMessageNamesTheOperationAndShape() {
        let error = TensorError.sizeOverflow(operation: "Tensor.zeros", quantity: "the element count", shape: Self.huge)
        #expect(
            error.description
                == "Tensor.zeros: the element count of [3, 100000000, 100000000, 100000000] overflows Int64")
    }

    @Test func tensorEntryPointsRejectAnOverflowingShape() throws {
        let overflow = TensorError.sizeOverflow(
            operation: "Tensor.filled", quantity: "the element count", shape: Self.huge)
        #expect(throws: overflow) { try Tensor.zeros(Self.huge) }
        #expect(throws: TensorError.self) { try Tensor(shape: Self.huge, scalars: [1]) }
        var generator = SeededGenerator(seed: 14)
        #expect(throws: TensorError.self) { try Tensor.uniform(Self.huge, in: 0..<1, using: &generator) }
        #expect(throws: TensorError.self) { try Tensor.heNormal(Self.huge, using: &generator) }
        let wide: Shape = [2, Int.max, 2]  // fan-in Int.max·2 used to trap
        #expect(throws: TensorError.sizeOverflow(operation: "fans", quantity: "the element count", shape: wide)) {
            try Tensor.fans(of: wide, for: "fans")
        }
        #expect(throws: TensorError.self) { try Tensor(shape: [4], scalars: [1, 2, 3, 4]).reshaped(to: Self.huge) }
    }

    /// Within `Int` but past what a tensor may hold: still `.invalidShape`, as before.
    @Test func aShapeTooLargeForMemoryIsInvalid() {
        let error = #expect(throws: TensorError.self) { try Tensor.zeros([1 << 40]) }
        guard case .invalidShape? = error else {
            Issue.record("expected .invalidShape, got \(String(describing: error))")
            return
        }
    }
}
