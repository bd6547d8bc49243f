import GreenNN

/// The matrix of adaptive average pooling along one axis, `[output, input]` row-major: cell `i`
/// averages inputs `⌊i·input/output⌋ ..< ⌈(i+1)·input/output⌉` (PyTorch's windows). The exporter
/// writes an adaptive pool whose windows do not tile the plane as two `MatMul`s by these
/// matrices; the importer recognises them and builds the pool again.
struct AveragingMatrix {
    /// The input length along the axis.
    let input: Int
    /// The output length along the axis.
    let output: Int

    /// The entries, `[output, input]` row-major.
    var rows: [Float] {
        var matrix = [Float](repeating: 0, count: input * output)
        for cell in 0..<output {
            let window = adaptivePoolingWindow(cell, input: input, output: output)
            for position in window { matrix[cell * input + position] = 1 / Float(window.count) }
        }
        return matrix
    }

    /// The entries transposed, `[input, output]` row-major (the right-hand factor).
    var columns: [Float] {
        let rows = rows
        var matrix = [Float](repeating: 0, count: input * output)
        for cell in 0..<output {
            for position in 0..<input { matrix[position * output + cell] = rows[cell * input + position] }
        }
        return matrix
    }

    /// Whether `values` hold these entries (`transposed`: `columns`) to within 1e-6.
    func matches(_ values: [Float], transposed: Bool) -> Bool {
        let expected = transposed ? columns : rows
        return values.count == expected.count && zip(values, expected).allSatisfy { abs($0 - $1) <= 1e-6 }
    }
}
