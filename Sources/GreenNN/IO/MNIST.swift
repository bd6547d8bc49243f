import Foundation

/// The MNIST handwritten digits (LeCun, Bottou, Bengio and Haffner 1998) from a folder holding
/// the four original IDX files, gzipped or not: `train-images-idx3-ubyte[.gz]`,
/// `train-labels-idx1-ubyte[.gz]`, `t10k-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`.
///
/// Any data set published in these four files loads the same way: Fashion-MNIST (Xiao, Rasul
/// and Vollgraf 2017) and KMNIST use the same names, format and ten classes. Images of any size
/// load (the models check theirs); every error names the file it is about.
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
        /// as PyTorch's examples use (and ../shared/peers/train_mnist.py), whichever data set
        /// the folder holds.
        case standardised
    }

    /// The number of classes: labels are 0–9.
    public static let classes = 10
    /// MNIST's training-set pixel mean after scaling to [0, 1].
    public static let mean: Float = 0.1307
    /// MNIST's training-set pixel standard deviation after scaling to [0, 1].
    public static let standardDeviation: Float = 0.3081

    /// One split as `[N, 1, rows, columns]` images (`[N, 1, 28, 28]` for MNIST) and labels 0–9.
    /// - Parameters:
    ///   - directory: the folder with the IDX files.
    ///   - split: the training or the test set.
    ///   - normalisation: how pixels are scaled (default `.standardised`).
    /// - Throws: `IDXError` naming the file for a missing, oversized or corrupt file, a label
    ///   above 9 (`.labelOutOfRange`), or images and labels that do not pair up.
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
        if let index = labels.firstIndex(where: { Int($0) >= classes }) {
            // A labels file has one size: its data start at byte offset 8.
            throw IDXError.labelOutOfRange(
                path: labelsPath, offset: 8 + index, label: Int(labels[index]), classes: classes)
        }
        let standardised = normalisation == .standardised
        var tensor = try Tensor.zeros([images.count, 1, images.rows, images.columns])
        tensor.withUnsafeMutableBufferPointer { values in
            for index in values.indices {
                let unit = Float(images.pixels[index]) / 255
                values[index] = standardised ? (unit - mean) / standardDeviation : unit
            }
        }
        return try ImageDataset(images: tensor, labels: labels.map(Int.init), classes: classes)
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
