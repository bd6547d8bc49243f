/// SqueezeNet (Iandola et al. 2016) 1.0 and 1.1 with torchvision's layout and names:
/// `features` (a stem conv, ReLU, ceil-mode max pools and fire modules) and `classifier`
/// (dropout, 1x1 conv to 1000 classes, ReLU, global average pool), then flatten.
/// 1.0: 1,248,424 parameters, 818,924,576 conv MACs per 224x224 image;
/// 1.1: 1,235,496 parameters, 349,151,936 MACs.
public enum SqueezeNet {
    /// The two published versions.
    public enum Version: String, Sendable, CaseIterable {
        /// Version 1.0: 7x7 stem, 96 channels.
        case v1_0 = "1.0"
        /// Version 1.1: 3x3 stem, 64 channels, pools earlier (2.4x less computation).
        case v1_1 = "1.1"
    }

    /// Builds `version` with weights drawn from `generator`.
    /// - Throws: `LayerError` if a block cannot be built.
    public static func make(_ version: Version, using generator: inout SeededGenerator) throws -> Sequential {
        func pool() throws -> MaxPool2d { try MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true) }
        func fire(_ c: Int, _ s: Int, _ e: Int) throws -> Fire {
            try Fire(c, squeeze: s, expand1x1: e, expand3x3: e, using: &generator)
        }
        let features: [any Layer]
        switch version {
        case .v1_0:
            features = [
                try Conv2d(3, 96, kernelSize: 7, stride: 2, using: &generator), ReLU(), try pool(),
                try fire(96, 16, 64), try fire(128, 16, 64), try fire(128, 32, 128), try pool(),
                try fire(256, 32, 128), try fire(256, 48, 192), try fire(384, 48, 192), try fire(384, 64, 256),
                try pool(),
                try fire(512, 64, 256),
            ]
        case .v1_1:
            features = [
                try Conv2d(3, 64, kernelSize: 3, stride: 2, using: &generator), ReLU(), try pool(),
                try fire(64, 16, 64), try fire(128, 16, 64), try pool(),
                try fire(128, 32, 128), try fire(256, 32, 128), try pool(),
                try fire(256, 48, 192), try fire(384, 48, 192), try fire(384, 64, 256), try fire(512, 64, 256),
            ]
        }
        let classifier = try Sequential([
            try Dropout(probability: 0.5), try Conv2d(512, 1000, kernelSize: 1, using: &generator), ReLU(),
            GlobalAvgPool2d(),
        ])
        return try Sequential(named: [
            NamedLayer("features", try Sequential(features)), NamedLayer("classifier", classifier),
            NamedLayer("flatten", Flatten()),
        ])
    }
}
