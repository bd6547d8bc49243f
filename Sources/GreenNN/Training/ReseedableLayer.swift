/// A layer that draws random numbers in training (Dropout's masks) and can restart its stream
/// from a seed. Before every batch, `Trainer` reseeds each such layer in the model with a seed
/// derived from the trainer's seed, the epoch, the batch and the layer's place in the tree, so the
/// masks of a batch do not depend on what ran before it: a run resumed from a checkpoint draws
/// the same masks as one that never stopped.
///
/// ```swift
/// extension Dropout: ReseedableLayer {
///     public func reseed(_ seed: UInt64) { generator = SeededGenerator(seed: seed) }
/// }
/// ```
public protocol ReseedableLayer: Layer {
    /// Restarts the layer's random stream as if it had been created with `seed`.
    func reseed(_ seed: UInt64)
}

extension Layer {
    /// Every `ReseedableLayer` in the tree, each once, in walk order (children in order).
    var reseedableLayers: [any ReseedableLayer] {
        var seen = Set<ObjectIdentifier>()
        var result: [any ReseedableLayer] = []
        func visit(_ layer: any Layer) {
            guard seen.insert(ObjectIdentifier(layer)).inserted else { return }
            if let reseedable = layer as? any ReseedableLayer { result.append(reseedable) }
            for child in layer.children { visit(child.layer) }
        }
        visit(self)
        return result
    }
}
