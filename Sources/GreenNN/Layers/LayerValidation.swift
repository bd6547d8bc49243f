/// Checks shared by every layer's `init` and `forward`, so the messages read the same
/// everywhere: "Conv2d: inputChannels must be >= 1, got 0".
enum LayerValidation {
    /// Throws unless `value >= 1`.
    static func positive(_ value: Int, _ name: String, in kind: String) throws {
        guard value >= 1 else { throw LayerError.invalidConfiguration(kind, "\(name) must be >= 1, got \(value)") }
    }

    /// Throws unless both sides of `value` are >= 1.
    static func positive(_ value: Size2D, _ name: String, in kind: String) throws {
        guard value.height >= 1, value.width >= 1 else {
            throw LayerError.invalidConfiguration(kind, "\(name) must be >= 1, got \(value)")
        }
    }

    /// Throws unless both sides of `value` are >= 0.
    static func nonNegative(_ value: Size2D, _ name: String, in kind: String) throws {
        guard value.height >= 0, value.width >= 0 else {
            throw LayerError.invalidConfiguration(kind, "\(name) must be >= 0, got \(value)")
        }
    }

    /// Throws unless `value` lies in `range` (written as the message states it).
    static func within(
        _ value: Float, _ range: String, _ name: String, in kind: String, _ check: (Float) -> Bool
    ) throws {
        guard check(value) else {
            throw LayerError.invalidConfiguration(kind, "\(name) must be in \(range), got \(value)")
        }
    }

    /// The cache a training-mode forward pass left, cleared (each forward pass allows one
    /// backward pass), or the `.invalidState` error `backward` throws when there is none.
    static func takeCache<Cache>(_ cache: inout Cache?, in kind: String) throws -> Cache {
        guard let value = cache else {
            throw LayerError(
                kind: kind,
                reason: .invalidState(
                    "backward needs a training-mode forward pass first (call train(), then forward); each forward pass allows one backward pass"
                ))
        }
        cache = nil
        return value
    }

    /// Checks a pooling window as PyTorch does: kernel and stride >= 1, padding >= 0 and at
    /// most half the kernel (so no window lies wholly in the padding).
    static func poolingWindow(kernelSize: Size2D, stride: Size2D, padding: Size2D, in kind: String) throws {
        try positive(kernelSize, "kernelSize", in: kind)
        try positive(stride, "stride", in: kind)
        try nonNegative(padding, "padding", in: kind)
        guard 2 * padding.height <= kernelSize.height, 2 * padding.width <= kernelSize.width else {
            throw LayerError.invalidConfiguration(
                kind, "padding (\(padding)) must be at most half the kernel size (\(kernelSize))")
        }
    }

    /// The sizes of an `[N, channels, H, W]` input, or a `LayerError` naming the expected shape.
    static func image(
        _ input: Shape, channels: Int, in kind: String
    ) throws -> (
        batch: Int, channels: Int, height: Int, width: Int
    ) {
        guard input.rank == 4, input[1] == channels, input[0] >= 0 else {
            throw LayerError.inputShape(kind, expected: "[N, \(channels), H, W]", actual: input)
        }
        return (input[0], input[1], input[2], input[3])
    }

    /// The sizes of an `[N, C, H, W]` input with any C.
    static func image(_ input: Shape, in kind: String) throws -> (batch: Int, channels: Int, height: Int, width: Int) {
        guard input.rank == 4 else { throw LayerError.inputShape(kind, expected: "[N, C, H, W]", actual: input) }
        return (input[0], input[1], input[2], input[3])
    }

    /// The window of a conv or pool on `input`'s plane, as a `LayerError` naming the layer once
    /// when it does not fit.
    static func window(
        _ input: (height: Int, width: Int), kernel: Size2D, stride: Size2D, padding: Size2D, dilation: Size2D,
        ceilMode: Bool = false, in kind: String
    ) throws -> WindowGeometry {
        do {
            return try WindowGeometry(
                input: Size2D(height: input.height, width: input.width), kernel: kernel, stride: stride,
                padding: padding, dilation: dilation, ceilMode: ceilMode, operation: kind)
        } catch let .invalidArgument(_, message) {
            throw LayerError(kind: kind, reason: .invalidInput(message))
        } catch {
            throw LayerError(kind: kind, reason: .tensor(error))
        }
    }
}

/// PyTorch's default initialisation for conv and linear layers (kaiming_uniform with a = √5,
/// which reduces to U(−1/√fanIn, 1/√fanIn), and the same bound for the bias), so a GreenNN
/// network starts training where its PyTorch twin does.
enum DefaultInitialisation {
    /// A weight of `shape` with fan-in `fanIn`.
    static func weight(_ shape: Shape, fanIn: Int, using generator: inout SeededGenerator) throws -> Tensor {
        let bound = 1 / Float(fanIn).squareRoot()
        return try Tensor.uniform(shape, in: -bound..<bound, using: &generator)
    }

    /// A bias of `count` values for a layer with fan-in `fanIn`.
    static func bias(_ count: Int, fanIn: Int, using generator: inout SeededGenerator) throws -> Tensor {
        try weight([count], fanIn: fanIn, using: &generator)
    }

    /// A generator seeded from the system's entropy, for layers built without one
    /// (like PyTorch without `manual_seed`); pass `using:` for reproducible weights.
    static func systemSeeded() -> SeededGenerator {
        var system = SystemRandomNumberGenerator()
        return SeededGenerator(seed: system.next())
    }
}
