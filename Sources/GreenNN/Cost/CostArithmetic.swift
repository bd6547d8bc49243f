/// Overflow-checked arithmetic for one layer's `cost(for:)`.
///
/// The input shape may come from a command line or a file (`greenbench table vgg16 --input
/// 3x100000000x100000000`), so every product and sum in a cost formula that grows with it is
/// checked, and an overflow becomes a `LayerError` naming the layer, the quantity and the input:
/// "features.0 (Conv2d): MAC count on input [1, 3, 100000000, 100000000] overflows Int64".
///
/// Creating one checks the input (its element count and Float32 byte count fit in `Int`), so
/// the unchecked `Shape.elementCount` and any product of some input dimensions are then safe.
/// `outputElementCount(_:)` does the same for an output shape; call it before building a
/// `LayerCost` whose `activationBytes` defaults to 4 bytes per output element.
struct CostArithmetic {
    /// The layer's kind, for the error.
    let kind: String
    /// The layer's input, checked.
    let input: Shape

    /// Checks `input` for a layer of `kind`.
    /// - Throws: `LayerError` (`.inputShape`) for a negative dimension, or (`.sizeOverflow`)
    ///   when its element or byte count overflows `Int`.
    init(kind: String, input: Shape) throws {
        self.kind = kind
        self.input = input
        guard input.dimensions.allSatisfy({ $0 >= 0 }) else {
            throw LayerError.inputShape(kind, expected: "non-negative dimensions", actual: input)
        }
        _ = try elementCount(of: input, "")
    }

    /// The product of `factors`, or a `LayerError` (`.sizeOverflow`) naming `quantity`.
    func product(_ quantity: @autoclosure () -> String, _ factors: Int...) throws -> Int {
        guard let value = checkedProduct(factors) else {
            throw LayerError.sizeOverflow(kind, quantity(), input: input)
        }
        return value
    }

    /// The sum of `terms`, or a `LayerError` (`.sizeOverflow`) naming `quantity`.
    func sum(_ quantity: @autoclosure () -> String, _ terms: Int...) throws -> Int {
        try sum(quantity(), of: terms)
    }

    /// The sum of `terms`, or a `LayerError` (`.sizeOverflow`) naming `quantity`.
    func sum(_ quantity: @autoclosure () -> String, of terms: some Sequence<Int>) throws -> Int {
        guard let value = checkedSum(terms) else {
            throw LayerError.sizeOverflow(kind, quantity(), input: input)
        }
        return value
    }

    /// `factor · value + extra` (FLOPs from MACs plus bias adds), checked.
    func scaled(_ quantity: @autoclosure () -> String, _ factor: Int, _ value: Int, plus extra: Int = 0) throws -> Int {
        try sum(quantity(), product(quantity(), factor, value), extra)
    }

    /// The element count of the output `output`, after checking that it and its Float32 byte
    /// count fit in `Int`, so `LayerCost`'s default `activationBytes` cannot overflow.
    /// - Throws: `LayerError` (`.sizeOverflow`) when either overflows.
    func outputElementCount(_ output: Shape) throws -> Int {
        try elementCount(of: output, "output \(output) ")
    }

    /// `shape.elementCount` after checking the product of its nonzero dimensions (so every
    /// product of some of them fits) and 4 bytes per element; `prefix` starts the quantity's name.
    private func elementCount(of shape: Shape, _ prefix: @autoclosure () -> String) throws -> Int {
        guard let nonzero = checkedProduct(shape.dimensions.lazy.map { Swift.max($0, 1) }) else {
            throw LayerError.sizeOverflow(kind, "\(prefix())element count", input: input)
        }
        guard !nonzero.multipliedReportingOverflow(by: 4).overflow else {
            throw LayerError.sizeOverflow(kind, "\(prefix())byte count", input: input)
        }
        return shape.elementCount
    }
}
