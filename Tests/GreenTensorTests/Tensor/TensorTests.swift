import Foundation
import Testing

@testable import GreenTensor

@Suite struct TensorTests {
    @Test func createsFromScalarsAndReadsElements() throws {
        let tensor = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(tensor.shape.rank == 2)
        #expect(tensor.elementCount == 6)
        #expect(try tensor.element(at: [1, 2]) == 6)
        #expect(try tensor.element(at: [0, 1]) == 2)
        #expect(Tensor(3).shape == [])
        #expect(Tensor(3).scalars == [3])
    }

    @Test func fillsZerosOnesAndConstants() throws {
        #expect(try Tensor.zeros([2, 2]).scalars == [0, 0, 0, 0])
        #expect(try Tensor.ones([3]).scalars == [1, 1, 1])
        #expect(try Tensor.filled([1, 2], with: 7).scalars == [7, 7])
        #expect(try Tensor.zeros([0, 4]).elementCount == 0)
    }

    @Test func copiesOnWriteOnly() throws {
        let original = try Tensor(shape: [2], scalars: [1, 2])
        var copy = original
        try copy.setElement(9, at: [0])
        #expect(original.scalars == [1, 2])
        #expect(copy.scalars == [9, 2])
        var unique = try Tensor.zeros([4])
        let before = unique.withUnsafeBufferPointer { $0.baseAddress }
        try unique.setElement(1, at: [3])
        #expect(unique.withUnsafeBufferPointer { $0.baseAddress } == before, "a unique tensor is written in place")
    }

    @Test func reshapesWithoutCopying() throws {
        let tensor = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let reshaped = try tensor.reshaped(to: [3, 2])
        #expect(reshaped.shape == [3, 2])
        #expect(try reshaped.element(at: [2, 1]) == 6)
        #expect(
            reshaped.withUnsafeBufferPointer { $0.baseAddress } == tensor.withUnsafeBufferPointer { $0.baseAddress })
    }

    @Test func randomTensorsAreSeededAndInRange() throws {
        var first = SeededGenerator(seed: 7), second = SeededGenerator(seed: 7), other = SeededGenerator(seed: 8)
        let a = try Tensor.uniform([1000], in: -2..<3, using: &first)
        let b = try Tensor.uniform([1000], in: -2..<3, using: &second)
        let c = try Tensor.uniform([1000], in: -2..<3, using: &other)
        #expect(a.scalars == b.scalars)
        #expect(a.scalars != c.scalars)
        #expect(a.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(abs(try a.mean() - 0.5) < 0.15)
    }

    @Test func normalAndInitialisersHaveTheRightSpread() throws {
        var generator = SeededGenerator(seed: 11)
        func deviation(_ tensor: Tensor) throws -> Float {
            let mean = try tensor.mean()
            return (try (tensor - mean).map { $0 * $0 }.mean()).squareRoot()
        }
        let normal = try Tensor.normal([20_000], mean: 3, standardDeviation: 2, using: &generator)
        #expect(abs(try normal.mean() - 3) < 0.05)
        #expect(abs(try deviation(normal) - 2) < 0.05)
        // Conv weight [64, 32, 3, 3]: fan-in 288, fan-out 576.
        let he = try Tensor.heNormal([64, 32, 3, 3], using: &generator)
        #expect(abs(try deviation(he) - (2.0 / 288).squareRoot()) < 0.003)
        let xavier = try Tensor.xavierUniform([64, 32, 3, 3], using: &generator)
        let bound = (6.0 / Float(288 + 576)).squareRoot()
        #expect(xavier.scalars.allSatisfy { abs($0) <= bound })
        #expect(abs(try deviation(xavier) - bound / Float(3).squareRoot()) < 0.003)
        let heUniform = try Tensor.heUniform([10, 50], using: &generator)
        #expect(heUniform.scalars.allSatisfy { abs($0) <= (6.0 / 50).squareRoot() })
        let xavierNormal = try Tensor.xavierNormal([200, 300], using: &generator)
        #expect(abs(try deviation(xavierNormal) - (2.0 / 500).squareRoot()) < 0.003)
    }

    @Test func arithmeticWithTensorsAndScalars() throws {
        let a = try Tensor(shape: [3], scalars: [1, 2, 3])
        let b = try Tensor(shape: [3], scalars: [4, 5, 6])
        #expect(try (a + b).scalars == [5, 7, 9])
        #expect(try (b - a).scalars == [3, 3, 3])
        #expect(try (a * b).scalars == [4, 10, 18])
        #expect(try (b / a).scalars == [4, 2.5, 2])
        #expect((a + 1).scalars == [2, 3, 4])
        #expect((a - 1).scalars == [0, 1, 2])
        #expect((a * 2).scalars == [2, 4, 6])
        #expect((a / 2).scalars == [0.5, 1, 1.5])
        #expect((1 + a).scalars == [2, 3, 4])
        #expect((10 - a).scalars == [9, 8, 7])
        #expect((2 * a).scalars == [2, 4, 6])
        #expect((6 / a).scalars == [6, 3, 2])
        #expect((-a).scalars == [-1, -2, -3])
    }

    @Test func reductionsAlongAxes() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
        #expect(t.sum() == 21)
        #expect(try t.mean() == 3.5)
        #expect(try t.max() == 6)
        #expect(try t.sum(alongAxis: 0).scalars == [5, 7, 9])
        #expect(try t.sum(alongAxis: -1).scalars == [9, 12])
        #expect(try t.mean(alongAxis: 1).scalars == [3, 4])
        #expect(try t.max(alongAxis: 0).scalars == [4, 5, 6])
        #expect(try t.argmax(alongAxis: 1) == [1, 2])
        #expect(try t.argmax(alongAxis: 0) == [1, 0, 1])
        let cube = randomTensor([2, 3, 4], seed: 3)
        let middle = try cube.sum(alongAxis: 1)
        #expect(middle.shape == [2, 4])
        let expected =
            (try cube.element(at: [1, 0, 2])) + (try cube.element(at: [1, 1, 2])) + (try cube.element(at: [1, 2, 2]))
        #expect(abs(try middle.element(at: [1, 2]) - expected) < 1e-6)
        let many = randomTensor([1001], seed: 4)
        #expect(abs(many.sum() - many.scalars.reduce(0, +)) < 1e-3)
    }

    @Test func softmaxAndLogSoftmaxAreStable() throws {
        let logits = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, 1000])
        let probabilities = try logits.softmax(alongAxis: 1)
        let e = [Float(1), Float(2), Float(3)].map { Float(exp(Double($0 - 3))) }
        let total = e.reduce(0, +)
        let third: Float = 1.0 / 3.0
        let expected: [Float] = e.map { $0 / total } + [third, third, third]
        expectClose(probabilities, try Tensor(shape: [2, 3], scalars: expected), tolerance: 1e-6)
        let logProbabilities = try logits.logSoftmax(alongAxis: -1)
        expectClose(logProbabilities, probabilities.map { Float(log(Double($0))) }, tolerance: 1e-5)
        let columns = try logits.softmax(alongAxis: 0)
        #expect(abs(try columns.sum(alongAxis: 0).scalars[0] - 1) < 1e-6)
    }

    @Test func approximateComparison() throws {
        let a = try Tensor(shape: [2], scalars: [1, 100])
        let b = try Tensor(shape: [2], scalars: [1.000001, 100.001])
        #expect(a.isApproximatelyEqual(to: b))
        #expect(!a.isApproximatelyEqual(to: b, absoluteTolerance: 0, relativeTolerance: 1e-7))
        #expect(!a.isApproximatelyEqual(to: try Tensor(shape: [1, 2], scalars: [1, 100])))
        #expect(!a.isApproximatelyEqual(to: try Tensor(shape: [2], scalars: [1, .nan])))
        #expect(abs(try a.maximumAbsoluteDifference(to: b) - 0.001) < 1e-5)
    }

    @Test func errorsNameTheOperationAndShapes() throws {
        expectTensorError(["Tensor(shape:scalars:)", "[2, 2] needs 4 elements, got 3"]) {
            _ = try Tensor(shape: [2, 2], scalars: [1, 2, 3])
        }
        expectTensorError(["Tensor.filled", "[2, -1]", "non-negative"]) { _ = try Tensor.zeros([2, -1]) }
        expectTensorError(["reshaped(to:) from [2, 3]", "[4, 2] needs 8 elements, got 6"]) {
            _ = try Tensor.zeros([2, 3]).reshaped(to: [4, 2])
        }
        expectTensorError(["element(at:)", "[2, 0]", "[2, 3]"]) { _ = try Tensor.zeros([2, 3]).element(at: [2, 0]) }
        expectTensorError(["setElement(_:at:)", "[0]", "[2, 3]"]) {
            var tensor = try Tensor.zeros([2, 3])
            try tensor.setElement(1, at: [0])
        }
        expectTensorError(["+", "expected [2] (same as the left operand), got [3]"]) {
            _ = try Tensor.zeros([2]) + Tensor.zeros([3])
        }
        expectTensorError(["sum(alongAxis:)", "axis 2", "[2, 3]"]) { _ = try Tensor.zeros([2, 3]).sum(alongAxis: 2) }
        expectTensorError(["mean(alongAxis:)", "empty"]) { _ = try Tensor.zeros([2, 0]).mean(alongAxis: 1) }
        expectTensorError(["max()", "empty"]) { _ = try Tensor.zeros([0]).max() }
        expectTensorError(["mean()", "empty"]) { _ = try Tensor.zeros([0]).mean() }
        expectTensorError(["argmax(alongAxis:)", "axis -3"]) { _ = try Tensor.zeros([2, 3]).argmax(alongAxis: -3) }
        expectTensorError(["softmax(alongAxis:)", "axis 5"]) { _ = try Tensor.zeros([2]).softmax(alongAxis: 5) }
        expectTensorError(["logSoftmax(alongAxis:)", "axis 1"]) { _ = try Tensor.zeros([2]).logSoftmax(alongAxis: 1) }
        expectTensorError(["maximumAbsoluteDifference(to:)", "[3]"]) {
            _ = try Tensor.zeros([2]).maximumAbsoluteDifference(to: Tensor.zeros([3]))
        }
        var generator = SeededGenerator(seed: 1)
        expectTensorError(["Tensor.uniform", "non-empty"]) { _ = try Tensor.uniform([2], in: 1..<1, using: &generator) }
        expectTensorError(["Tensor.normal", "standardDeviation"]) {
            _ = try Tensor.normal([2], standardDeviation: -1, using: &generator)
        }
        expectTensorError(["Tensor.heNormal", "rank >= 2"]) { _ = try Tensor.heNormal([5], using: &generator) }
        expectTensorError(["Tensor.xavierUniform", "positive"]) {
            _ = try Tensor.xavierUniform([0, 5], using: &generator)
        }
    }
}
