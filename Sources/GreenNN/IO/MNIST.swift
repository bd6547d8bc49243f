import Foundation

/// The MNIST handwritten digits (LeCun, Bottou, Bengio and Haffner 1998) from a folder holding
/// the four original IDX files, gzipped or not: `train-images-idx3-ubyte[.gz]`,
/// `train-labels-idx1-ubyte[.gz]`, `t10k-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`.
///
/// ```swift
/// let train = try MNIST.load(from: "../shared/data/mnist", split: .training)   // [60000, 1, 28, 28]
/// let test = try MNIST.load(from: "../shared/data/mnist", split: .test)        // [10000, 1, 28, 28]
/// ```
public enum MNIST {
    /// Which half of the data set.
    public enum Split: String, Sendable, CaseIterable {
        /// 60,000 training images (`train-*`).
        case training = "train"
        /// 10,000 test images (`t10k-*`).
        case test = "t10k"
    }

    /// How pixels become floats.
    public enum Normalisation: Sendable, CaseIterable {
        /// `pixel / 255`, in [0, 1].
        case unitInterval
        /// `(pixel / 255 − 0.1307) / 0.3081`: MNIST's training mean and standard deviation,
        /// as PyTorch's examples use (and ../shared/peers/train_mnist.py).
        case standardised
    }

    /// MNIST's training-set pixel mean after scaling to [0, 1].
    public static let mean: Float = 0.1307
    /// MNIST's training-set pixel standard deviation after scaling to [0, 1].
    public static let standardDeviation: Float = 0.3081

    /// One split as `[N, 1, 28, 28]` images and labels 0–9.
    /// - Parameters:
    ///   - directory: the folder with the IDX files.
    ///   - split: the training or the test set.
    ///   - normalisation: how pixels are scaled (default `.standardised`).
    /// - Throws: `IDXError` for a missing or corrupt file, or images and labels that do not
    ///   pair up; `TrainingError.invalidData` for a label above 9.
    public static func load(
        from directory: String, split: Split, normalisation: Normalisation = .standardised
    ) throws -> ImageDataset {
        let imagesPath = try file(in: directory, named: "\(split.rawValue)-images-idx3-ubyte")
        let labelsPath = try file(in: directory, named: "\(split.rawValue)-labels-idx1-ubyte")
        let images = try IDX.readImages(at: imagesPath)
        let labels = try IDX.readLabels(at: labelsPath)
        guard images.count == labels.count else {
            throw IDXError.mismatchedCounts(
                images: imagesPath, imageCount: images.count, labels: labelsPath, labelCount: labels.count)
        }
        let standardised = normalisation == .standardised
        var tensor = try Tensor.zeros([images.count, 1, images.rows, images.columns])
        tensor.withUnsafeMutableBufferPointer { values in
            for index in values.indices {
                let unit = Float(images.pixels[index]) / 255
                values[index] = standardised ? (unit - mean) / standardDeviation : unit
            }
        }
        return try ImageDataset(images: tensor, labels: labels.map(Int.init), classes: 10)
    }

    /// The path of `name.gz` in `directory`, else of `name`.
    /// - Throws: `IDXError.unreadable` when neither exists.
    static func file(in directory: String, named name: String) throws(IDXError) -> String {
        let base = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        for candidate in [base + ".gz", base] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw .unreadable(path: base, reason: "no such file (looked for \(name).gz and \(name) in \(directory))")
    }
}
