/// Model state in PyTorch's state_dict naming: parameters and buffers under their dotted paths
/// ("features.0.weight", "features.1.running_mean"), saved to and loaded from safetensors.
///
/// Loading is strict by default: every model tensor must be in the file, every file tensor in
/// the model, shapes equal and values finite; all problems are listed in one
/// `WeightsError.mismatch` and nothing is loaded. Non-strict loading (`strict: false`) loads
/// what matches and returns what was missing or unexpected, as PyTorch's
/// `load_state_dict(strict=False)` does; wrong shapes and non-finite values still throw.
/// BatchNorm's `num_batches_tracked` counters in a PyTorch file are accepted and ignored
/// (GreenNN's running statistics always use the momentum).
///
/// ```swift
/// let model = try ModelZoo.model(named: "vgg16")
/// try model.loadWeights(from: "vgg16.safetensors")       // torch: save_file(model.state_dict(), …)
/// try model.saveWeights(to: "copy.safetensors")
/// ```
extension Layer {
    /// Every parameter (each shared one once) and buffer under its dotted path.
    public var stateDictionary: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for named in parameters { result[named.name] = named.parameter.value }
        for named in buffers { result[named.name] = named.value }
        return result
    }

    /// Loads parameters and buffers from `tensors`, keyed by dotted path.
    /// - Parameters:
    ///   - tensors: the state, by dotted path ("features.0.weight").
    ///   - strict: whether missing and unexpected names are errors (the default).
    /// - Returns: the names that were missing or unexpected (empty when `strict`).
    /// - Throws: `WeightsError.mismatch` listing every problem, or `.unsettableBuffer` for a
    ///   buffer its layer refuses; nothing is loaded then.
    @discardableResult
    public func loadStateDictionary(
        _ tensors: [String: Tensor], strict: Bool = true
    ) throws(WeightsError)
        -> WeightsMismatch
    {
        let parameters = parameters
        let buffers = bufferSlots
        var mismatch = WeightsMismatch()
        var known = Set<String>()
        func check(_ name: String, expected: Shape) {
            known.insert(name)
            guard let tensor = tensors[name] else { return mismatch.missing.append(name) }
            if tensor.shape != expected {
                mismatch.misshaped.append(.init(name: name, expected: expected, actual: tensor.shape))
            } else if !tensor.scalars.allSatisfy(\.isFinite) {
                mismatch.nonFinite.append(name)
            }
        }
        for named in parameters { check(named.name, expected: named.parameter.value.shape) }
        for slot in buffers { check(slot.name, expected: slot.value.shape) }
        let counters = Set(buffers.compactMap(\.batchCounterName))
        mismatch.unexpected = tensors.keys.filter { !known.contains($0) && !counters.contains($0) }.sorted()
        let problems = strict ? mismatch : WeightsMismatch(misshaped: mismatch.misshaped, nonFinite: mismatch.nonFinite)
        guard problems.isEmpty else { throw .mismatch(problems) }
        // Buffers first: a layer that lists a buffer it cannot set fails here, and the buffers
        // already set are put back, so nothing is loaded then.
        var restore: [(slot: BufferSlot, value: Tensor)] = []
        for slot in buffers {
            guard let tensor = tensors[slot.name] else { continue }
            do {
                try slot.layer.setBuffer(named: slot.localName, to: tensor)
                restore.append((slot, slot.value))
            } catch {
                for (done, value) in restore { try? done.layer.setBuffer(named: done.localName, to: value) }
                throw .unsettableBuffer(name: slot.name, reason: "\(error)")
            }
        }
        for named in parameters {
            if let tensor = tensors[named.name] { named.parameter.value = tensor }
        }
        return WeightsMismatch(missing: mismatch.missing, unexpected: mismatch.unexpected)
    }

    /// Loads parameters and buffers from a safetensors file (F32, F16, BF16, I64 or I32, widened).
    /// - Parameters:
    ///   - path: the safetensors file.
    ///   - strict: whether missing and unexpected names are errors (the default).
    /// - Returns: the names that were missing or unexpected (empty when `strict`).
    /// - Throws: `WeightsError.file` for an unreadable or corrupt file, `.mismatch` listing
    ///   every tensor that does not fit, `.unsettableBuffer` for a buffer its layer refuses.
    @discardableResult
    public func loadWeights(from path: String, strict: Bool = true) throws(WeightsError) -> WeightsMismatch {
        let tensors: [String: Tensor]
        do {
            tensors = try SafeTensors.read(from: path)
        } catch {
            throw .file(error)
        }
        return try loadStateDictionary(tensors, strict: strict)
    }

    /// Writes `stateDictionary` as an F32 safetensors file.
    /// - Parameters:
    ///   - path: the file to write, replaced atomically if it exists (`AtomicFile`): a save that
    ///     fails, or a crash mid-save, leaves the previous file as it was.
    ///   - metadata: strings stored in the header's `__metadata__`.
    /// - Throws: `WeightsError.file` (`SafeTensorsError.unwritable`) when the file cannot be
    ///   saved, naming the path, the step and the reason.
    public func saveWeights(to path: String, metadata: [String: String] = [:]) throws(WeightsError) {
        do {
            try SafeTensors.write(stateDictionary, metadata: metadata, to: path)
        } catch {
            throw .file(error)
        }
    }
}
