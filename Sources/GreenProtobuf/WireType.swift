/// How a protobuf field's value is laid out on the wire: the low three bits of its tag.
///
/// Groups (wire types 3 and 4, deprecated since proto2) are not supported: the reader rejects
/// them with `ProtobufError.unsupportedWireType`, as it does the unassigned types 6 and 7.
public enum WireType: Int, Sendable {
    /// A base-128 varint: int32, int64, uint32, uint64, sint32, sint64, bool and enum fields.
    case varint = 0
    /// Eight little-endian bytes: fixed64, sfixed64 and double fields.
    case fixed64 = 1
    /// A varint byte count, then that many bytes: strings, bytes, messages and packed repeated fields.
    case lengthDelimited = 2
    /// Four little-endian bytes: fixed32, sfixed32 and float fields.
    case fixed32 = 5
}
