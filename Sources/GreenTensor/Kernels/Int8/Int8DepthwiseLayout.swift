/// How the int8 depthwise conv walks its channels: both sum exact integers in floats and
/// requantize them alike, so they give the same codes.
package enum Int8DepthwiseLayout: Sendable, CaseIterable {
    /// A plane at a time: codes less the zero point in floats, the float depthwise kernel (a
    /// vector along an output row), a requantizing store. Best on wide planes.
    case planes
    /// 16 channels at a time: the block's planes transposed into one padded plane of 16 floats a
    /// position, a vector of 16 channels per tap and output position, requantized and transposed
    /// back. Best on narrow planes, whose rows fill a vector poorly (MobileNet's 14x14 and 7x7).
    case channelBlocks

    /// The faster layout for `geometry` on `instructionSet`: channel blocks for input planes at
    /// most 32 wide on AVX-512 VNNI, 64 on AVX2 and AVX-VNNI, 8 in portable C (where the two
    /// measured alike above that). Measured, 3x3 convs at 1 thread (Docs/Quantization.md):
    /// AVX-512 VNNI, 512 planes of 14x14 at stride 1 35.1 -> 23.0 µs, 128 of 56x56 at stride 2
    /// 40.5 -> 42.0 µs.
    package static func preferred(for geometry: WindowGeometry, on instructionSet: Int8InstructionSet) -> Self {
        let widest =
            switch instructionSet {
            case .avx512VNNI: 32
            case .avx2, .avxVNNI: 64
            case .generic: 8
            }
        return geometry.input.width <= widest ? .channelBlocks : .planes
    }
}
