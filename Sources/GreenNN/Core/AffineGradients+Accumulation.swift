extension AffineGradients {
    /// Adds the weight gradient into `weight.gradient` and, when both exist, the bias gradient
    /// into `bias.gradient`, as conv and linear backward passes do.
    /// - Throws: `TensorError.shapeMismatch` when a gradient's shape is not its parameter's.
    func accumulate(into weight: Parameter, bias: Parameter?) throws {
        try weight.accumulate(self.weight)
        if let bias, let gradient = self.bias { try bias.accumulate(gradient) }
    }
}
