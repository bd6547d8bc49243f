/// A model compiled for one input shape and called many times: `InferencePlan` (float) and
/// `QuantizedPlan` (int8). A plan implements the wrapped run; calling it and running it into an
/// output tensor come with the protocol.
public protocol CompiledPlan: AnyObject {
    /// The input shape the plan was built for; a call with another shape throws.
    var inputShape: Shape { get }
    /// The shape of its output.
    var outputShape: Shape { get }
    /// Runs the plan on `input`, writing `output` (of `outputShape`) in place, with each step
    /// wrapped by `around(index, body)`, which must call `body` once (how `greenbench` times the
    /// steps).
    /// - Throws: `LayerError` naming both shapes when `input` or `output` has another shape than
    ///   the plan was built for, an opaque layer's error, or what `around` throws.
    func run(_ input: Tensor, into output: inout Tensor, around: (Int, () throws -> Void) throws -> Void) throws
}

extension CompiledPlan {
    /// Runs the plan on `input` and returns a new tensor (the one buffer a call allocates).
    /// - Throws: `LayerError` when `input` does not have `inputShape`, or an opaque layer's error.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var result = Tensor(uninitializedShape: outputShape)
        try run(input, into: &result)
        return result
    }

    /// Runs the plan on `input`, writing `output` (of `outputShape`) in place: once the plan has
    /// run once, a call allocates nothing (unless the model has opaque layers).
    /// - Throws: `LayerError` naming both shapes when `input` or `output` has another shape than
    ///   the plan was built for, or an opaque layer's error.
    public func run(_ input: Tensor, into output: inout Tensor) throws {
        try run(input, into: &output) { _, body in try body() }
    }
}
