/// An efficient variant of a baseline network: which block replaces its convolutions and how
/// its classifier and channels change. The suffix names the model: `vgg16-ds`, `lenet5-green`.
/// Docs/Models.md gives each variant's reasoning and its measured params and MACs.
public enum Variant: String, Sendable, CaseIterable {
    /// Every conv after the first becomes a depthwise-separable conv (MobileNet).
    case ds
    /// Every conv after the first becomes a fire module, squeeze O/8, expand O/2 + O/2 (SqueezeNet).
    case fire
    /// Every conv after the first becomes a flattened conv (Jin et al. 2014).
    case flattened
    /// Width multiplier 0.5 on every layer but the input and the class count; for 224-pixel
    /// inputs also resolution multiplier 0.75 (MobileNet's model shrinking).
    case shrinked
    /// Every classifier `Linear` but the last becomes a `LowRankLinear` of rank min(in, out)/8.
    case lowrank
    /// Within each VGG stage the repeated same-shape convs become one `SharedBlock`.
    case shared
    /// Depthwise-separable convs and a low-rank classifier together: the two savings that
    /// touch different parts of the network (convs dominate MACs, the classifier dominates
    /// parameters), so they compound.
    case green

    /// The block that replaces each conv after the first.
    var block: ConvolutionBlock {
        switch self {
        case .ds, .green: .depthwiseSeparable
        case .fire: .fire
        case .flattened: .flattened
        case .shrinked: .shrinked
        case .lowrank, .shared: .standard
        }
    }

    /// Whether the classifier's hidden `Linear` layers are factorised.
    var lowRankClassifier: Bool { self == .lowrank || self == .green }

    /// The width multiplier α.
    var width: Float { self == .shrinked ? 0.5 : 1 }

    /// The resolution multiplier ρ for an input of `size` pixels (only 224-pixel inputs shrink).
    func resolution(forInputSize size: Int) -> Float { self == .shrinked && size >= 224 ? 0.75 : 1 }

    /// Checks that `variant` (nil: the baseline) is one of `applicable`, the variants the model
    /// `kind` has.
    /// - Throws: `LayerError.invalidConfiguration` naming the variant and Docs/Models.md otherwise.
    static func check(_ variant: Variant?, among applicable: [Variant], for kind: String) throws {
        guard let variant, !applicable.contains(variant) else { return }
        throw LayerError.invalidConfiguration(
            kind, "the \(variant.rawValue) variant does not apply to \(kind) (see Docs/Models.md)")
    }
}

/// How one convolution of a network is built.
enum ConvolutionBlock {
    case standard, depthwiseSeparable, fire, flattened, shrinked
}
