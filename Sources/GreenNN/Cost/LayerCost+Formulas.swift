/// The closed-form costs shared by several layers (Docs/CostModel.md states each one).
extension LayerCost {
    /// A convolution: MACs = N·O·H'·W'·(C/groups)·kH·kW; FLOPs = 2·MACs, plus N·O·H'·W'
    /// bias adds when there is a bias.
    static func convolution(
        kind: String, input: Shape, outputChannels: Int, geometry: WindowGeometry, inputChannelsPerGroup: Int,
        hasBias: Bool, parameters: Int
    ) -> LayerCost {
        let output: Shape = [input[0], outputChannels, geometry.output.height, geometry.output.width]
        let macs = output.elementCount * inputChannelsPerGroup * geometry.taps
        return LayerCost(
            kind: kind, input: input, output: output, parameters: parameters, macs: macs,
            flops: 2 * macs + (hasBias ? output.elementCount : 0))
    }

    /// A layer with no MACs doing `flopsPerElement` operations per output element.
    static func elementwise(kind: String, input: Shape, output: Shape? = nil, flopsPerElement: Int) -> LayerCost {
        let output = output ?? input
        return LayerCost(kind: kind, input: input, output: output, flops: flopsPerElement * output.elementCount)
    }
}
