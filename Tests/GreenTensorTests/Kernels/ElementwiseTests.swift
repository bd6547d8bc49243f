import Testing

@testable import GreenTensor

@Suite struct ElementwiseTests {
    @Test func reluAndRelu6ClampEveryElement() throws {
        let input = randomTensor([3, 5, 70_001], seed: 31) * 8  // large enough to split across threads
        let values = input.scalars
        #expect(relu(input).scalars == values.map { Swift.max($0, 0) })
        #expect(relu6(input).scalars == values.map { Swift.min(Swift.max($0, 0), 6) })
        #expect(try clamped(input, lower: -1, upper: 2).scalars == values.map { Swift.min(Swift.max($0, -1), 2) })
    }

    @Test func reluWritesInPlaceWhenGivenTheOnlyReference() throws {
        var tensor = randomTensor([1000], seed: 32)
        let address = tensor.withUnsafeBufferPointer { $0.baseAddress }
        tensor = relu(consume tensor)
        #expect(tensor.withUnsafeBufferPointer { $0.baseAddress } == address)
    }

    @Test func reluLeavesSharedCopiesAlone() throws {
        let original = randomTensor([100], seed: 33)
        let before = original.scalars
        _ = relu(original)
        #expect(original.scalars == before)
    }

    @Test func channelBiasAddsPerChannelAndFusesClamp() throws {
        let input = randomTensor([2, 3, 4, 5], seed: 34)
        let bias = try Tensor(shape: [3], scalars: [1, -2, 0.5])
        let output = try addingChannelBias(input, bias)
        let fused = try addingChannelBias(input, bias, lower: 0)
        let values = input.scalars
        for index in values.indices {
            let channel = (index / 20) % 3
            let expected = values[index] + bias.scalars[channel]
            #expect(output.scalars[index] == expected)
            #expect(fused.scalars[index] == Swift.max(expected, 0))
        }
        let matrix = try addingChannelBias(randomTensor([4, 3], seed: 35), bias)
        #expect(matrix.shape == [4, 3])
    }

    @Test func affineChannelsScalesShiftsAndClampsEachChannel() throws {
        let input = randomTensor([2, 3, 5], seed: 36)
        let scale = try Tensor(shape: [3], scalars: [2, -1, 0.5])
        let shift = try Tensor(shape: [3], scalars: [0.25, 0, -1])
        let output = try affineChannels(input, scale: scale, shift: shift, lower: -0.5, upper: 1)
        let values = input.scalars
        for index in values.indices {
            let channel = (index / 5) % 3
            let expected = Swift.min(
                Swift.max(values[index] * scale.scalars[channel] + shift.scalars[channel], -0.5), 1)
            #expect(output.scalars[index] == expected)
        }
        expectTensorError(["affineChannels", "per-channel vector [3], got [4]"]) {
            _ = try affineChannels(input, scale: randomTensor([4], seed: 1), shift: nil)
        }
    }

    @Test func rejectsBadArguments() {
        expectTensorError(["clamped", "lower (2.0) must be <= upper (1.0)"]) {
            _ = try clamped(randomTensor([3], seed: 1), lower: 2, upper: 1)
        }
        expectTensorError(["addingChannelBias", "per-channel vector [3], got [2]"]) {
            _ = try addingChannelBias(randomTensor([1, 3, 2, 2], seed: 1), randomTensor([2], seed: 2))
        }
        expectTensorError(["addingChannelBias", "input [N, C, …]", "[3]"]) {
            _ = try addingChannelBias(randomTensor([3], seed: 1), randomTensor([3], seed: 2))
        }
    }
}
