extension Tensor {
    /// A tensor of the same shape with `transform` applied to every element.
    public func map(_ transform: (Float) -> Float) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        for index in 0..<elementCount {
            result.storage.base[index] = transform(storage.base[index])
        }
        return result
    }

    /// Combines two same-shape tensors element by element.
    /// - Throws: `TensorError.shapeMismatch` naming `operation` when the shapes differ.
    func zipped(with other: Tensor, operation: String, _ combine: (Float, Float) -> Float) throws(TensorError) -> Tensor
    {
        guard shape == other.shape else {
            throw .shapeMismatch(
                operation: operation, expected: "\(shape) (same as the left operand)", actual: other.shape)
        }
        let result = Tensor(uninitializedShape: shape)
        for index in 0..<elementCount {
            result.storage.base[index] = combine(storage.base[index], other.storage.base[index])
        }
        return result
    }

    /// Element-wise sum of two same-shape tensors.
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public static func + (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        try lhs.zipped(with: rhs, operation: "+", +)
    }

    /// Element-wise difference of two same-shape tensors.
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public static func - (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        try lhs.zipped(with: rhs, operation: "-", -)
    }

    /// Element-wise (Hadamard) product of two same-shape tensors.
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public static func * (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        try lhs.zipped(with: rhs, operation: "*", *)
    }

    /// Element-wise quotient of two same-shape tensors (IEEE rules for division by zero).
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public static func / (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        try lhs.zipped(with: rhs, operation: "/", /)
    }

    /// Adds `scale · other` to this tensor in place (BLAS's axpy), copying the storage first
    /// only if another tensor shares it. Gradients accumulate this way.
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public mutating func add(_ other: Tensor, scaledBy scale: Float = 1) throws(TensorError) {
        guard shape == other.shape else {
            throw .shapeMismatch(
                operation: "add(_:scaledBy:)", expected: "\(shape) (same as the accumulator)", actual: other.shape)
        }
        let source = other.storage.base
        withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] += scale * source[index] }
        }
    }

    /// Adds `rhs` to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
    /// Subtracts `rhs` from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 - rhs } }
    /// Multiplies every element by `rhs`.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
    /// Divides every element by `rhs`.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 / rhs } }
    /// Adds `lhs` to every element.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs + $0 } }
    /// Subtracts every element from `lhs`.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs - $0 } }
    /// Multiplies every element by `lhs`.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
    /// Divides `lhs` by every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs / $0 } }
    /// Negates every element.
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }
}
