/// A safetensors file as `SafeTensors.contents(of:)` read it: every tensor (widened to Float),
/// the element type each was stored as, and the header's metadata strings.
public struct SafeTensorsContents: Sendable {
    /// The tensors by name.
    public let tensors: [String: Tensor]
    /// The element type each tensor was stored as.
    public let elementTypes: [String: SafeTensors.ElementType]
    /// The header's `__metadata__` strings.
    public let metadata: [String: String]
}
