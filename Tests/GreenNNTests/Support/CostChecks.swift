import Testing

@testable import GreenNN

/// Checks shared by the cost tests of every layer, independent of any one formula.
enum CostChecks {
    /// `cost(for:)` states the shape `forward` returns, and running forward does not throw
    /// where the cost did not.
    static func expectCostMatchesForward(
        _ layer: any Layer, input: Tensor, _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let cost = try layer.cost(for: input.shape)
        let output = try layer.forward(input)
        #expect(
            cost.output == output.shape, "\(context): cost says \(cost.output), forward gave \(output.shape)",
            sourceLocation: sourceLocation)
        #expect(cost.input == input.shape, "\(context)", sourceLocation: sourceLocation)
        #expect(cost.activationBytes >= 0 && cost.weightBytes >= 0, "\(context)", sourceLocation: sourceLocation)
    }

    /// The parameter count of a cost row and of `parameterCount` both equal the element
    /// count of the parameter list (each shared object once).
    static func expectParameterCountsAgree(
        _ layer: any Layer, input: Shape, _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let listed = layer.parameters.reduce(0) { $0 + $1.parameter.value.elementCount }
        #expect(layer.parameterCount == listed, "\(context)", sourceLocation: sourceLocation)
        #expect(try layer.cost(for: input).parameters == listed, "\(context)", sourceLocation: sourceLocation)
    }

    /// Every composite row (one with children, other than a repeated block) has exactly the
    /// MACs and FLOPs of its children, at every depth.
    static func expectCompositeRowsSumTheirChildren(
        _ row: LayerCost, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard !row.children.isEmpty else { return }
        if row.applications == 1 {
            #expect(
                row.macs == row.children.reduce(0) { $0 + $1.macs }, "MACs of \(row.kind) '\(row.name)'",
                sourceLocation: sourceLocation)
            #expect(
                row.flops == row.children.reduce(0) { $0 + $1.flops }, "FLOPs of \(row.kind) '\(row.name)'",
                sourceLocation: sourceLocation)
        } else {
            #expect(
                row.macs == row.applications * row.children.reduce(0) { $0 + $1.macs },
                "MACs of \(row.kind) '\(row.name)'", sourceLocation: sourceLocation)
        }
        for child in row.children { expectCompositeRowsSumTheirChildren(child, sourceLocation: sourceLocation) }
    }

    /// A direct child of `layer` by name, cast to the type the test expects.
    static func child<T>(_ layer: any Layer, _ name: String, as type: T.Type = T.self) throws -> T {
        try #require(
            layer.children.first { $0.name == name }?.layer as? T, "\(layer.kind) has no \(T.self) child '\(name)'")
    }
}
