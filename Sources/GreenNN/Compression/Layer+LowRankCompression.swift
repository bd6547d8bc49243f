/// Model-wide low-rank compression: every `Linear` and every ungrouped 1x1 `Conv2d` replaced,
/// in place, by its truncated-SVD factorisation (`LowRankLinear`, `LowRankPointwiseConv2d`)
/// where that saves parameters.
///
/// A layer is kept (and its row says why) when the factorisation would not be smaller, when it
/// appears under more than one path (shared weights would be split), or when its parent is a
/// fixed block (a `Fire`'s or a `DepthwiseSeparableConv2d`'s convs): only `Sequential` children
/// are swapped, under the same name, so paths and the order of layers stay. Layers that are
/// already factorised are not factorised again.
///
/// ```swift
/// let model = try ModelZoo.model(named: "vgg16")
/// let report = try model.compressLowRank(keeping: .energy(0.9), input: [1, 3, 224, 224])
/// print(report)   // per layer: rank, params and MACs before → after, relative error
/// ```
extension Layer {
    /// Replaces every eligible layer by its low-rank factorisation (see above).
    /// - Parameters:
    ///   - selection: the rank, or the spectral-energy fraction, to keep in each layer; a fixed
    ///     rank is capped at each layer's `min(out, in)`.
    ///   - input: the input shape the MACs in the report are counted on.
    ///   - scope: a dotted path ("classifier"): only layers at or below it are considered
    ///     (the default, "", is the whole model). A layer shared with a path outside the scope
    ///     is kept, so sharing is never broken.
    /// - Returns: one row per eligible layer and the model's cost before and after.
    /// - Throws: `LayerError` for an invalid selection, an input the model cannot take, a scope
    ///   that names no layer or has an empty component, or a weight that holds NaN or infinity
    ///   (every factorisation is computed before any layer is swapped, so nothing is changed then).
    @discardableResult
    public func compressLowRank(
        keeping selection: RankSelection, input: Shape, under scope: String = ""
    ) throws -> CompressionReport {
        try selection.validate(in: "compressLowRank")
        let components = scope.split(separator: ".", omittingEmptySubsequences: false)
        guard scope.isEmpty || !components.contains(where: \.isEmpty), sublayer(at: scope) != nil else {
            throw LayerError.invalidConfiguration(kind, "has no layer at '\(scope)' to compress")
        }
        let before = try cost(for: input)
        let costs = before.rowsByPath
        let everywhere = lowRankCandidates()
        var occurrences: [ObjectIdentifier: Int] = [:]
        for candidate in everywhere { occurrences[ObjectIdentifier(candidate.layer), default: 0] += 1 }
        let candidates = everywhere.filter {
            scope.isEmpty || $0.path == scope || $0.path.hasPrefix(scope + ".")
        }
        var rows: [CompressionReport.Row] = []
        var swaps: [(parent: Sequential, name: String, layer: any Layer)] = []
        for candidate in candidates {
            guard let row = costs[candidate.path] else { continue }
            func kept(_ reason: String, rank: Int? = nil, error: Double? = nil) -> CompressionReport.Row {
                CompressionReport.Row(
                    path: candidate.path, kind: candidate.layer.kind, rank: rank, fullRank: candidate.fullRank,
                    parametersBefore: row.parameters, parametersAfter: row.parameters, macsBefore: row.macs,
                    macsAfter: row.macs, relativeError: error, replaced: false, reason: reason)
            }
            if occurrences[ObjectIdentifier(candidate.layer)]! > 1 {
                rows.append(kept("shared by more than one path"))
                continue
            }
            guard let parent = candidate.parent else {
                rows.append(kept("inside \(candidate.parentKind), which cannot swap its children"))
                continue
            }
            let layerSelection: RankSelection =
                if case let .rank(rank) = selection { .rank(Swift.min(rank, candidate.fullRank)) } else { selection }
            let replacement = try candidate.factorised(keeping: layerSelection)
            let factorised = try replacement.layer.cost(for: row.input)
            guard factorised.parameters < row.parameters else {
                rows.append(
                    kept(
                        "rank \(replacement.rank) of \(candidate.fullRank) saves no parameters",
                        rank: replacement.rank, error: replacement.relativeError))
                continue
            }
            replacement.layer.train(candidate.layer.isTraining)
            swaps.append((parent, candidate.name, replacement.layer))
            rows.append(
                CompressionReport.Row(
                    path: candidate.path, kind: candidate.layer.kind, rank: replacement.rank,
                    fullRank: candidate.fullRank, parametersBefore: row.parameters,
                    parametersAfter: factorised.parameters, macsBefore: row.macs, macsAfter: factorised.macs,
                    relativeError: replacement.relativeError, replaced: true, reason: ""))
        }
        for swap in swaps { try swap.parent.replaceChild(named: swap.name, with: swap.layer) }
        return CompressionReport(
            selection: selection, input: input, rows: rows, before: before, after: try cost(for: input))
    }

    /// Every `Linear` and ungrouped, undilated 1x1 `Conv2d` below this layer, in model order,
    /// not descending into layers that are already factorised.
    fileprivate func lowRankCandidates() -> [LowRankCandidate] {
        var result: [LowRankCandidate] = []
        func visit(_ layer: any Layer, prefix: String) {
            for child in layer.children {
                let path = prefix + child.name
                if child.layer is Linear || (child.layer as? Conv2d)?.isPointwise == true {
                    result.append(
                        LowRankCandidate(
                            path: path, name: child.name, layer: child.layer, parent: layer as? Sequential,
                            parentKind: layer.kind))
                } else if !(child.layer is LowRankLinear || child.layer is LowRankPointwiseConv2d) {
                    visit(child.layer, prefix: path + ".")
                }
            }
        }
        visit(self, prefix: "")
        return result
    }
}

/// A layer a low-rank compression may replace, with where it sits.
private struct LowRankCandidate {
    let path: String
    let name: String
    let layer: any Layer
    /// The parent, when it is a `Sequential` (which can swap children).
    let parent: Sequential?
    let parentKind: String

    /// `min(out, in)`.
    var fullRank: Int {
        if let linear = layer as? Linear { return Swift.min(linear.inputFeatures, linear.outputFeatures) }
        let conv = layer as! Conv2d
        return Swift.min(conv.inputChannels, conv.outputChannels)
    }

    /// The factorised layer, its rank and its relative reconstruction error.
    func factorised(keeping selection: RankSelection) throws -> (layer: any Layer, rank: Int, relativeError: Double) {
        if let linear = layer as? Linear {
            let factors = try LowRankFactors(approximating: linear.weight.value, keeping: selection)
            return (try LowRankLinear(factors, bias: linear.bias?.value), factors.rank, factors.relativeError)
        }
        let conv = layer as! Conv2d
        let factors = try LowRankFactors(approximating: conv.weightMatrix, keeping: selection)
        let layer = try LowRankPointwiseConv2d(
            factors, bias: conv.bias?.value, stride: conv.stride, padding: conv.padding)
        return (layer, factors.rank, factors.relativeError)
    }
}
