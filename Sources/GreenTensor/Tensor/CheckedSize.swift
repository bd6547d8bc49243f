// Overflow-checked arithmetic on sizes (element counts, MACs, bytes).
//
// Sizes that come from user input or a file (a command line's `--input`, a checkpoint
// header) can be anything, and Swift's `*` and `+` trap on overflow. Every product or sum
// that grows with such a size goes through these instead, and the caller turns `nil` into
// its own typed error with the context it knows: `TensorError.sizeOverflow` names the
// operation and shape, `LayerError`'s `.sizeOverflow` the layer path and its input.
//
// ```swift
// checkedProduct([64, 100_000_000, 100_000_000])      // 640_000_000_000_000_000
// checkedProduct([64, 100_000_000, 100_000_000, 27])  // nil: 1.7e19 > Int.max
// ```

/// The product of `factors` (1 for none), or nil when any partial product overflows `Int`.
public func checkedProduct(_ factors: some Sequence<Int>) -> Int? {
    var product = 1
    for factor in factors {
        let (next, overflow) = product.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        product = next
    }
    return product
}

/// The sum of `terms` (0 for none), or nil when any partial sum overflows `Int`.
public func checkedSum(_ terms: some Sequence<Int>) -> Int? {
    var sum = 0
    for term in terms {
        let (next, overflow) = sum.addingReportingOverflow(term)
        guard !overflow else { return nil }
        sum = next
    }
    return sum
}
