internal import CKernels

/// How the int8 depthwise conv walks its channels. All three sum exact integers and requantize
/// them alike, so they give the same codes.
package enum Int8DepthwiseLayout: Sendable, CaseIterable {
    /// A plane at a time in floats: codes less the zero point converted, the float depthwise
    /// kernel (a vector along an output row), a requantizing store.
    case planes
    /// 16 channels at a time: the block's planes transposed into one padded plane of 16 floats a
    /// position, a vector of 16 channels per tap and output position, requantized and transposed
    /// back. Best on narrow planes, whose rows fill a vector poorly (MobileNet's 14x14 and 7x7).
    /// Filters of at most 259 taps (`GN_INT8_DEPTHWISE_MAX_TAPS`); larger ones run as `planes`.
    case channelBlocks
    /// A plane at a time in integers: up to 4 horizontal taps of a kernel row summed for 16 (AVX-512)
    /// or 8 outputs in one VNNI dot product (four AVX2 instructions without VNNI), at width strides
    /// 1, 2 and 4 without width dilation; other geometries, and portable C, sum tap by tap.
    case dotProducts

    /// The fastest layout measured for `geometry` on `instructionSet` (MobileNet's 3x3 convs at 1
    /// thread, Docs/Quantization.md): dot products for input planes more than 28 wide on VNNI
    /// where they apply, channel blocks below; on AVX2, dot products for planes more than 56 wide,
    /// or more than 28 at a width stride above 1, channel blocks otherwise; in portable C, channel
    /// blocks for planes at most 8 wide; float planes otherwise.
    package static func preferred(for geometry: WindowGeometry, on instructionSet: Int8InstructionSet) -> Self {
        let width = geometry.input.width
        let blocks = geometry.taps <= Int(GN_INT8_DEPTHWISE_MAX_TAPS)
        let dots = int8DotProductsApply(to: geometry)
        switch instructionSet {
        case .avx512VNNI, .avxVNNI:
            if blocks && width <= 28 { return .channelBlocks }
            return dots ? .dotProducts : blocks && width <= 32 ? .channelBlocks : .planes
        case .avx2:
            let strided = geometry.stride.width > 1
            if dots && (width > 56 || strided && width > 28) { return .dotProducts }
            return blocks ? .channelBlocks : .planes
        case .generic: return blocks && width <= 8 ? .channelBlocks : .planes
        }
    }
}
