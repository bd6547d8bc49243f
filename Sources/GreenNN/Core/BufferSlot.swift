/// A buffer's place in a model: its dotted path, its name in its layer, its value, and the
/// layer that owns it (to set it when loading weights).
struct BufferSlot {
    /// The dotted path ("features.1.running_mean").
    let name: String
    /// The name in its layer ("running_mean").
    let localName: String
    /// The current value.
    let value: Tensor
    /// The owner.
    let layer: any Layer

    /// PyTorch's BatchNorm counter beside a running mean ("features.1.num_batches_tracked").
    var batchCounterName: String? {
        localName == "running_mean" ? String(name.dropLast(localName.count)) + "num_batches_tracked" : nil
    }
}
