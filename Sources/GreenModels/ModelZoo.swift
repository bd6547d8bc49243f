/// Every model GreenNN ships, by name: the baselines, their efficient variants and the
/// published references, each with its default input.
///
/// ```swift
/// let model = try ModelZoo.model(named: "vgg16-cifar-ds")
/// let table = try CostTable(model, input: ModelZoo.entry(named: "vgg16-cifar-ds").input(batch: 1))
/// ```
public enum ModelZoo {
    /// One named model.
    public struct Entry: Sendable {
        /// "vgg16-cifar-ds".
        public let name: String
        /// The baseline a variant is compared with (nil for baselines and references).
        public let baseline: String?
        /// Input channels, height and width of one image.
        public let imageShape: Shape
        /// Number of output classes.
        public let classes: Int
        /// One line for listings.
        public let summary: String
        let build: @Sendable (inout SeededGenerator) throws -> Sequential

        /// `[batch, C, H, W]`.
        public func input(batch: Int) -> Shape { Shape([batch] + imageShape.dimensions) }

        /// A fresh model with weights drawn from `generator`.
        /// - Throws: `LayerError` if a block cannot be built.
        public func make(using generator: inout SeededGenerator) throws -> Sequential {
            try build(&generator)
        }

        /// A fresh model with weights from a generator seeded with `seed` (the zoo's models;
        /// an entry made from a file ignores the seed).
        /// - Throws: `LayerError` if a block cannot be built, or what `build` throws.
        public func model(seed: UInt64 = 0) throws -> Sequential {
            var generator = SeededGenerator(seed: seed)
            return try build(&generator)
        }

        /// An entry for a model from elsewhere (an imported ONNX file), with no baseline:
        /// `build` makes it afresh each time it is asked for.
        public init(
            name: String, imageShape: Shape, classes: Int, summary: String,
            build: @escaping @Sendable () throws -> Sequential
        ) {
            self.init(name: name, baseline: nil, imageShape: imageShape, classes: classes, summary: summary) { _ in
                try build()
            }
        }

        /// The memberwise entry the zoo lists.
        init(
            name: String, baseline: String?, imageShape: Shape, classes: Int, summary: String,
            build: @escaping @Sendable (inout SeededGenerator) throws -> Sequential
        ) {
            self.name = name
            self.baseline = baseline
            self.imageShape = imageShape
            self.classes = classes
            self.summary = summary
            self.build = build
        }
    }

    /// Every entry, baselines first, each followed by its variants.
    public static let entries: [Entry] = {
        var entries: [Entry] = []
        func family(
            _ name: String, image: Shape, classes: Int, summary: String, variants: [Variant],
            _ build: @escaping @Sendable (Variant?, inout SeededGenerator) throws -> Sequential
        ) {
            entries.append(
                Entry(name: name, baseline: nil, imageShape: image, classes: classes, summary: summary) {
                    try build(nil, &$0)
                })
            for variant in variants {
                entries.append(
                    Entry(
                        name: "\(name)-\(variant.rawValue)", baseline: name, imageShape: image, classes: classes,
                        summary: "\(name), \(variant.rawValue) variant"
                    ) { try build(variant, &$0) })
            }
        }
        family("lenet5", image: [1, 28, 28], classes: 10, summary: "LeNet-5 for MNIST", variants: LeNet5.variants) {
            try LeNet5.make(variant: $0, using: &$1)
        }
        family(
            "vgg16-cifar", image: [3, 32, 32], classes: 10, summary: "VGG-16 convs, CIFAR head",
            variants: Variant.allCases
        ) { try VGG.makeCIFAR(variant: $0, using: &$1) }
        for (configuration, name) in [(VGG.Configuration.a, "vgg11"), (.b, "vgg13"), (.d, "vgg16"), (.e, "vgg19")] {
            family(
                name, image: [3, 224, 224], classes: 1000,
                summary: "VGG configuration \(configuration.rawValue.uppercased())",
                variants: name == "vgg16" ? Variant.allCases : []
            ) { try VGG.make(configuration, variant: $0, using: &$1) }
        }
        entries.append(
            Entry(
                name: "mobilenet-v1", baseline: nil, imageShape: [3, 224, 224], classes: 1000,
                summary: "MobileNet v1 1.0-224"
            ) {
                try MobileNetV1.make(using: &$0)
            })
        family(
            "resnet18", image: [3, 224, 224], classes: 1000, summary: "ResNet-18 (torchvision layout)",
            variants: ResNet.variants
        ) { try ResNet.make18(variant: $0, using: &$1) }
        family(
            "mobilenet-v2", image: [3, 224, 224], classes: 1000, summary: "MobileNet v2 1.0-224 (torchvision layout)",
            variants: MobileNetV2.variants
        ) { try MobileNetV2.make(variant: $0, using: &$1) }
        for version in SqueezeNet.Version.allCases {
            entries.append(
                Entry(
                    name: "squeezenet\(version.rawValue)", baseline: nil, imageShape: [3, 224, 224], classes: 1000,
                    summary: "SqueezeNet \(version.rawValue)"
                ) { try SqueezeNet.make(version, using: &$0) })
        }
        return entries
    }()

    /// Every model name, in listing order.
    public static var names: [String] { entries.map(\.name) }

    /// The entry called `name`.
    /// - Throws: `ModelZooError.unknownModel` naming the valid choices.
    public static func entry(named name: String) throws(ModelZooError) -> Entry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw .unknownModel(name, known: names)
        }
        return entry
    }

    /// A fresh model called `name`, with weights from a generator seeded with `seed`.
    /// - Throws: `ModelZooError.unknownModel`, or `LayerError` if a block cannot be built.
    public static func model(named name: String, seed: UInt64 = 0) throws -> Sequential {
        try entry(named: name).model(seed: seed)
    }
}

/// A model name the zoo does not know.
public enum ModelZooError: Error, Equatable, CustomStringConvertible {
    /// The name given, and every valid one.
    case unknownModel(String, known: [String])

    /// "unknown model 'vgg17' (known: lenet5, …)".
    public var description: String {
        switch self {
        case let .unknownModel(name, known): "unknown model '\(name)' (known: \(known.joined(separator: ", ")))"
        }
    }
}
