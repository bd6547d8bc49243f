import GreenProtobuf

/// The value `body` reads from a reader over `bytes`, whose memory stays valid during the call.
func withReader<Result>(
    _ bytes: [UInt8], baseOffset: Int = 0, limits: ProtobufLimits = .standard,
    _ body: (inout ProtobufReader) throws -> Result
) throws -> Result {
    try bytes.withUnsafeBytes { buffer in
        var reader = ProtobufReader(buffer, baseOffset: baseOffset, limits: limits)
        return try body(&reader)
    }
}
