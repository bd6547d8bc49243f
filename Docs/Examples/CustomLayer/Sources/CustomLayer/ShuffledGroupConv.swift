import GreenNN

/// A grouped 1x1 convolution followed by a channel shuffle (ShuffleNet, Zhang et al. 2018),
/// written outside GreenNN: it adopts the public `Layer` protocol and reuses a library
/// `Conv2d` as its child, so forward, backward and cost delegate to it and add the shuffle.
///
/// - Input: `[N, C, H, W]` → Output: `[N, O, H, W]`, output channel `j·groups + g` taken from
///   channel `g·(O/groups) + j` of the grouped conv.
/// - Parameters: `O·C/groups` weights + `O` biases. MACs: `N·H·W·O·C/groups`; the shuffle is a
///   copy (0 FLOPs, one more output written).
final class ShuffledGroupConv: Layer {
    let conv: Conv2d
    let groups: Int
    var isTraining = false

    init(_ inputChannels: Int, _ outputChannels: Int, groups: Int, using generator: inout SeededGenerator) throws {
        conv = try Conv2d(inputChannels, outputChannels, kernelSize: 1, groups: groups, using: &generator)
        self.groups = groups
    }

    var children: [NamedLayer] { [NamedLayer("conv", conv)] }

    /// Moves channel `source(j)` to `j` for every image; `inverse` undoes it.
    private func shuffle(_ tensor: Tensor, inverse: Bool) throws -> Tensor {
        let (batch, channels) = (tensor.shape[0], tensor.shape[1])
        let plane = tensor.shape.dimensions.dropFirst(2).reduce(1, *)
        let perGroup = channels / groups
        var result = try Tensor.zeros(tensor.shape)
        tensor.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for image in 0..<batch {
                    for channel in 0..<channels {
                        let shuffled = (channel % perGroup) * groups + channel / perGroup
                        let (from, to) = inverse ? (shuffled, channel) : (channel, shuffled)
                        for index in 0..<plane {
                            target[(image * channels + to) * plane + index] =
                                source[(image * channels + from) * plane + index]
                        }
                    }
                }
            }
        }
        return result
    }

    func forward(_ input: Tensor) throws -> Tensor {
        let convolved = try LayerError.inChild("conv", kind: conv.kind) { try conv.forward(input) }
        return try shuffle(convolved, inverse: false)
    }

    func backward(_ outputGradient: Tensor) throws -> Tensor {
        let unshuffled = try shuffle(outputGradient, inverse: true)
        return try LayerError.inChild("conv", kind: conv.kind) { try conv.backward(unshuffled) }
    }

    func cost(for input: Shape) throws -> LayerCost {
        var cost = try LayerCost.chain(for: self, input: input, children: children)
        cost.activationBytes += 4 * cost.output.elementCount
        return cost
    }

    var description: String { "ShuffledGroupConv(\(conv.inputChannels), \(conv.outputChannels), groups: \(groups))" }
}
