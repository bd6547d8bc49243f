import Foundation

extension Tensor {
    /// A tensor of `shape` with every element `value`.
    /// - Throws: `TensorError.invalidShape` for a negative dimension or too many elements;
    ///   `TensorError.sizeOverflow` when the element count overflows `Int`.
    public static func filled(_ shape: Shape, with value: Float) throws(TensorError) -> Tensor {
        let tensor = Tensor(uninitializedShape: try shape.validated(for: "Tensor.filled"))
        tensor.storage.base.initialize(repeating: value, count: tensor.elementCount)
        return tensor
    }

    /// A tensor of `shape` filled with zeros.
    /// - Throws: `TensorError.invalidShape` for a negative dimension.
    public static func zeros(_ shape: Shape) throws(TensorError) -> Tensor {
        try filled(shape, with: 0)
    }

    /// A tensor of `shape` filled with ones.
    /// - Throws: `TensorError.invalidShape` for a negative dimension.
    public static func ones(_ shape: Shape) throws(TensorError) -> Tensor {
        try filled(shape, with: 1)
    }

    /// Values drawn uniformly from `[lowerBound, upperBound)`.
    /// - Throws: `TensorError` for a negative dimension or an empty or non-finite range.
    public static func uniform(
        _ shape: Shape, in range: Range<Float>, using generator: inout SeededGenerator
    ) throws(TensorError) -> Tensor {
        guard range.lowerBound.isFinite, range.upperBound.isFinite, !range.isEmpty else {
            throw .invalidArgument(
                operation: "Tensor.uniform", message: "range must be finite and non-empty, got \(range)")
        }
        let tensor = Tensor(uninitializedShape: try shape.validated(for: "Tensor.uniform"))
        let width = range.upperBound - range.lowerBound
        for index in 0..<tensor.elementCount {
            tensor.storage.base[index] = range.lowerBound + width * generator.nextUnitFloat()
        }
        return tensor
    }

    /// Values drawn from a normal distribution (Box–Muller transform).
    /// - Throws: `TensorError` for a negative dimension, or a non-finite mean or negative deviation.
    public static func normal(
        _ shape: Shape, mean: Float = 0, standardDeviation: Float = 1, using generator: inout SeededGenerator
    ) throws(TensorError) -> Tensor {
        guard mean.isFinite, standardDeviation.isFinite, standardDeviation >= 0 else {
            throw .invalidArgument(
                operation: "Tensor.normal",
                message: "mean must be finite and standardDeviation finite and >= 0, got \(mean), \(standardDeviation)")
        }
        let tensor = Tensor(uninitializedShape: try shape.validated(for: "Tensor.normal"))
        var index = 0
        while index < tensor.elementCount {
            let u1 = Double(1 - generator.nextUnitFloat())  // (0, 1]: log is finite
            let u2 = Double(generator.nextUnitFloat())
            let radius = (-2 * log(u1)).squareRoot()
            let angle = 2 * Double.pi * u2
            tensor.storage.base[index] = mean + standardDeviation * Float(radius * cos(angle))
            if index + 1 < tensor.elementCount {
                tensor.storage.base[index + 1] = mean + standardDeviation * Float(radius * sin(angle))
            }
            index += 2
        }
        return tensor
    }

    /// Fan-in and fan-out of a weight of `shape`, as PyTorch computes them:
    /// `[out, in, k…]` gives fan-in `in·Πk` and fan-out `out·Πk`.
    /// - Throws: `TensorError.invalidShape` for rank below 2, a negative dimension or a zero fan;
    ///   `TensorError.sizeOverflow` when the element count overflows `Int`.
    public static func fans(of shape: Shape, for operation: String) throws(TensorError) -> (in: Int, out: Int) {
        _ = try shape.checkedElementCount(for: operation)  // every fan below is a product of some dimensions
        guard shape.rank >= 2 else {
            throw .invalidShape(operation: operation, shape: shape, reason: "fan-in/fan-out need rank >= 2")
        }
        let receptive = shape.dimensions.dropFirst(2).reduce(1, *)
        let fans = (in: shape[1] * receptive, out: shape[0] * receptive)
        guard fans.in > 0, fans.out > 0 else {
            throw .invalidShape(operation: operation, shape: shape, reason: "fan-in and fan-out must be positive")
        }
        return fans
    }

    /// He (Kaiming) normal initialisation for ReLU networks: N(0, 2 / fanIn)
    /// (He et al. 2015). Fans follow `fans(of:for:)`.
    /// - Throws: `TensorError.invalidShape` for rank below 2 or an empty axis.
    public static func heNormal(_ shape: Shape, using generator: inout SeededGenerator) throws(TensorError) -> Tensor {
        let fans = try fans(of: shape.validated(for: "Tensor.heNormal"), for: "Tensor.heNormal")
        return try normal(shape, standardDeviation: (2 / Float(fans.in)).squareRoot(), using: &generator)
    }

    /// He (Kaiming) uniform initialisation: U(-b, b) with b = sqrt(6 / fanIn).
    /// - Throws: `TensorError.invalidShape` for rank below 2 or an empty axis.
    public static func heUniform(_ shape: Shape, using generator: inout SeededGenerator) throws(TensorError) -> Tensor {
        let fans = try fans(of: shape.validated(for: "Tensor.heUniform"), for: "Tensor.heUniform")
        let bound = (6 / Float(fans.in)).squareRoot()
        return try uniform(shape, in: -bound..<bound, using: &generator)
    }

    /// Xavier (Glorot) uniform initialisation: U(-b, b) with b = sqrt(6 / (fanIn + fanOut))
    /// (Glorot and Bengio 2010).
    /// - Throws: `TensorError.invalidShape` for rank below 2 or an empty axis.
    public static func xavierUniform(
        _ shape: Shape, using generator: inout SeededGenerator
    ) throws(TensorError) -> Tensor {
        let fans = try fans(of: shape.validated(for: "Tensor.xavierUniform"), for: "Tensor.xavierUniform")
        let bound = (6 / Float(fans.in + fans.out)).squareRoot()
        return try uniform(shape, in: -bound..<bound, using: &generator)
    }

    /// Xavier (Glorot) normal initialisation: N(0, 2 / (fanIn + fanOut)).
    /// - Throws: `TensorError.invalidShape` for rank below 2 or an empty axis.
    public static func xavierNormal(
        _ shape: Shape, using generator: inout SeededGenerator
    ) throws(TensorError) -> Tensor {
        let fans = try fans(of: shape.validated(for: "Tensor.xavierNormal"), for: "Tensor.xavierNormal")
        return try normal(shape, standardDeviation: (2 / Float(fans.in + fans.out)).squareRoot(), using: &generator)
    }
}
