/// The limits a `ProtobufReader` enforces on untrusted input, so that a hostile file fails with
/// a `ProtobufError` instead of driving a caller into deep recursion.
///
/// ```swift
/// let limits = ProtobufLimits(maximumDepth: 16, maximumLength: 1 << 20)
/// var reader = ProtobufReader(buffer, limits: limits)
/// ```
public struct ProtobufLimits: Sendable {
    /// The deepest nesting of messages accepted: `readMessage()` on a reader already this deep
    /// throws `ProtobufError.tooDeep`. The top-level reader is at depth 0.
    public var maximumDepth: Int
    /// The largest length-delimited field accepted, in bytes (`ProtobufError.tooLong` beyond it).
    /// A negative value accepts only empty fields.
    public var maximumLength: Int

    /// Limits of `maximumDepth` nested messages and `maximumLength` bytes per length-delimited
    /// field; the defaults are protobuf's own (64 levels; 2 GiB - 1 bytes).
    public init(maximumDepth: Int = 64, maximumLength: Int = 2_147_483_647) {
        self.maximumDepth = maximumDepth
        self.maximumLength = maximumLength
    }

    /// Protobuf's own limits: 64 nested messages, 2 GiB - 1 bytes per length-delimited field.
    public static let standard = ProtobufLimits()
}
