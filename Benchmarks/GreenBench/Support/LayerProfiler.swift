import GreenModels

/// Runs a model forward while timing each layer: `Sequential` containers are opened and
/// their children timed one by one (recursively); every other layer, composite blocks
/// included, is timed as a whole. A conv whose following BatchNorm/ReLU runs fused
/// (`forwardStep`) is timed with them, under the conv's path, exactly as inference runs it.
/// The per-path samples accumulate over repeated passes.
final class LayerProfiler {
    /// Seconds per pass, by dotted path, in first-seen order.
    private(set) var samples: [(path: String, seconds: [Double])] = []
    private var index: [String: Int] = [:]

    /// One forward pass through `layer` (called `path` in the model), recording each timed
    /// layer's duration; returns the output.
    func forward(_ layer: any Layer, _ input: Tensor, path: String = "") throws -> Tensor {
        if let sequential = layer as? Sequential {
            let children = sequential.children
            var value = input
            var index = 0
            while index < children.count {
                let child = children[index]
                let childPath = path.isEmpty ? child.name : path + "." + child.name
                if child.layer is Sequential {
                    value = try forward(child.layer, value, path: childPath)
                    index += 1
                    continue
                }
                var step: (output: Tensor, consumed: Int)?
                let seconds = try Stopwatch.seconds { step = try forwardStep(children, at: index, value) }
                record(childPath, seconds)
                value = step!.output
                index += step!.consumed
            }
            return value
        }
        var output: Tensor?
        let seconds = try Stopwatch.seconds { output = try layer.forward(input) }
        record(path.isEmpty ? layer.kind : path, seconds)
        return output!
    }

    private func record(_ path: String, _ seconds: Double) {
        if let position = index[path] {
            samples[position].seconds.append(seconds)
        } else {
            index[path] = samples.count
            samples.append((path, [seconds]))
        }
    }
}
