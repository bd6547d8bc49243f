/// What a layer's training-mode forward pass kept for its backward pass (its input, a
/// dropout mask, batch statistics), as an opaque value.
///
/// Layers keep their cache privately; `Layer.trainingCache` exposes it only so that a block
/// applied several times with one set of parameters (`SharedBlock`) can take every cache out
/// of its tree after each application and put them back, in reverse order, before that
/// application's backward pass. A custom layer that caches anything should expose it the same
/// way, or it cannot sit inside a `SharedBlock` during training.
public struct TrainingCache {
    private let contents: Any

    /// Wraps a layer's cache.
    public init(_ contents: Any) {
        self.contents = contents
    }

    /// The cache as `type`, or nil when it holds something else.
    public func contents<Contents>(as type: Contents.Type) -> Contents? {
        contents as? Contents
    }
}

extension Layer {
    /// The layers of the tree rooted here, each object once, this layer first, then its
    /// children depth-first in order.
    private var uniqueLayersInTree: [any Layer] {
        var seen = Set<ObjectIdentifier>()
        var result: [any Layer] = []
        func visit(_ layer: any Layer) {
            guard seen.insert(ObjectIdentifier(layer)).inserted else { return }
            result.append(layer)
            for child in layer.children { visit(child.layer) }
        }
        visit(self)
        return result
    }

    /// Every training cache in the tree, in `uniqueLayersInTree` order, leaving the tree without
    /// any (so the next training-mode forward pass starts afresh).
    func takeTrainingCaches() -> [TrainingCache?] {
        uniqueLayersInTree.map { layer in
            let cache = layer.trainingCache
            layer.trainingCache = nil
            return cache
        }
    }

    /// Puts back caches taken with `takeTrainingCaches()` from this same tree.
    func restoreTrainingCaches(_ caches: [TrainingCache?]) {
        for (layer, cache) in zip(uniqueLayersInTree, caches) {
            layer.trainingCache = cache
        }
    }
}
