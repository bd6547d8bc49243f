/// The closed-form costs shared by several layers (Docs/CostModel.md states each one). Every
/// product and sum is checked (`CostArithmetic`): an input too large for `Int` throws.
extension LayerCost {
    /// A convolution: MACs = N·O·H'·W'·(C/groups)·kH·kW; FLOPs = 2·MACs, plus N·O·H'·W'
    /// bias adds when there is a bias. Backward: the weight-gradient GEMM and the input-gradient
    /// GEMM each do MACs, so backward MACs = 2·MACs and backward FLOPs = 2·(backward MACs),
    /// plus N·O·H'·W' adds for the bias gradient.
    /// - Throws: `LayerError` (`.sizeOverflow`) when a count overflows `Int`.
    static func convolution(
        kind: String, input: Shape, outputChannels: Int, geometry: WindowGeometry, inputChannelsPerGroup: Int,
        hasBias: Bool, parameters: Int
    ) throws -> LayerCost {
        let arithmetic = try CostArithmetic(kind: kind, input: input)
        let output: Shape = [input[0], outputChannels, geometry.output.height, geometry.output.width]
        let outputCount = try arithmetic.outputElementCount(output)
        let macs = try arithmetic.product("MAC count", outputCount, inputChannelsPerGroup, geometry.taps)
        return try multiplyAccumulate(
            arithmetic, output: output, macs: macs, biasAdds: hasBias ? outputCount : 0, parameters: parameters)
    }

    /// A GEMM-shaped layer (convolution, linear) doing `macs` forward: FLOPs = 2·MACs +
    /// `biasAdds`; backward MACs = 2·MACs (weight and input gradients), backward FLOPs =
    /// 4·MACs + `biasAdds` (the bias gradient's adds). `output` must be checked already.
    /// - Throws: `LayerError` (`.sizeOverflow`) when a count overflows `Int`.
    static func multiplyAccumulate(
        _ arithmetic: CostArithmetic, output: Shape, macs: Int, biasAdds: Int, parameters: Int
    ) throws -> LayerCost {
        LayerCost(
            kind: arithmetic.kind, input: arithmetic.input, output: output, parameters: parameters, macs: macs,
            flops: try arithmetic.scaled("FLOP count", 2, macs, plus: biasAdds),
            backwardMACs: try arithmetic.product("backward MAC count", 2, macs),
            backwardFLOPs: try arithmetic.scaled("backward FLOP count", 4, macs, plus: biasAdds))
    }

    /// A layer with no MACs doing `flopsPerElement` operations per output element forward and
    /// `backwardFlopsPerElement` per output element backward.
    /// - Throws: `LayerError` (`.sizeOverflow`) when a count overflows `Int`.
    static func elementwise(
        kind: String, input: Shape, output: Shape? = nil, flopsPerElement: Int, backwardFlopsPerElement: Int
    ) throws -> LayerCost {
        let arithmetic = try CostArithmetic(kind: kind, input: input)
        let output = output ?? input
        let outputCount = try arithmetic.outputElementCount(output)
        return LayerCost(
            kind: kind, input: input, output: output,
            flops: try arithmetic.product("FLOP count", flopsPerElement, outputCount),
            backwardFLOPs: try arithmetic.product("backward FLOP count", backwardFlopsPerElement, outputCount))
    }
}
