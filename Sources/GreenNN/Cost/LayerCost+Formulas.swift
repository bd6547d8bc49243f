/// The closed-form costs shared by several layers (Docs/CostModel.md states each one).
extension LayerCost {
    /// A convolution: MACs = N·O·H'·W'·(C/groups)·kH·kW; FLOPs = 2·MACs, plus N·O·H'·W'
    /// bias adds when there is a bias. Backward: the weight-gradient GEMM and the input-gradient
    /// GEMM each do MACs, so backward MACs = 2·MACs and backward FLOPs = 2·(backward MACs),
    /// plus N·O·H'·W' adds for the bias gradient.
    static func convolution(
        kind: String, input: Shape, outputChannels: Int, geometry: WindowGeometry, inputChannelsPerGroup: Int,
        hasBias: Bool, parameters: Int
    ) -> LayerCost {
        let output: Shape = [input[0], outputChannels, geometry.output.height, geometry.output.width]
        let macs = output.elementCount * inputChannelsPerGroup * geometry.taps
        let biasAdds = hasBias ? output.elementCount : 0
        return LayerCost(
            kind: kind, input: input, output: output, parameters: parameters, macs: macs, flops: 2 * macs + biasAdds,
            backwardMACs: 2 * macs, backwardFLOPs: 4 * macs + biasAdds)
    }

    /// A layer with no MACs doing `flopsPerElement` operations per output element forward and
    /// `backwardFlopsPerElement` per output element backward.
    static func elementwise(
        kind: String, input: Shape, output: Shape? = nil, flopsPerElement: Int, backwardFlopsPerElement: Int
    ) -> LayerCost {
        let output = output ?? input
        return LayerCost(
            kind: kind, input: input, output: output, flops: flopsPerElement * output.elementCount,
            backwardFLOPs: backwardFlopsPerElement * output.elementCount)
    }
}
