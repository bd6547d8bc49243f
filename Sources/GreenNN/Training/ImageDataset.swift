/// Labelled images held in memory: `images [N, C, H, W]` and one class index per image.
///
/// ```swift
/// let train = try MNIST.load(from: "../shared/data/mnist", split: .training)
/// let (batch, labels) = try train.batch(at: [3, 1, 4])   // [3, 1, 28, 28], 3 labels
/// ```
public struct ImageDataset: Sendable {
    /// `[N, C, H, W]` (any rank ≥ 1 with the examples along the first axis).
    public let images: Tensor
    /// N class indices, each in `0..<classes`.
    public let labels: [Int]
    /// The number of classes.
    public let classes: Int

    /// Pairs images with labels.
    /// - Throws: `TrainingError.invalidData` when the images have rank 0, the label count is
    ///   not the number of images, `classes < 1`, or a label is outside `0..<classes`.
    public init(images: Tensor, labels: [Int], classes: Int) throws {
        guard images.shape.rank >= 1, images.shape[0] == labels.count else {
            throw TrainingError.invalidData(
                "ImageDataset: \(labels.count) labels for images \(images.shape); expected one per image")
        }
        guard classes >= 1 else {
            throw TrainingError.invalidData("ImageDataset: classes must be >= 1, got \(classes)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw TrainingError.invalidData(
                "ImageDataset: label \(labels[bad]) of image \(bad) is outside 0..<\(classes)")
        }
        self.images = images
        self.labels = labels
        self.classes = classes
    }

    /// The number of images.
    public var count: Int { labels.count }

    /// The shape of one image, `[C, H, W]`.
    public var imageShape: Shape { Shape(Array(images.shape.dimensions.dropFirst())) }

    /// The images at `indices` (in that order) and their labels.
    /// - Throws: `TrainingError.invalidData` for an index outside `0..<count`.
    public func batch(at indices: some Collection<Int>) throws -> (images: Tensor, labels: [Int]) {
        do {
            return (try images.gathered(at: indices), indices.map { labels[$0] })
        } catch {
            throw TrainingError.invalidData("ImageDataset: \(error)")
        }
    }

    /// The first `count` images (all of them when there are fewer), for quick runs.
    /// - Throws: `TrainingError.invalidData` when `count < 1`.
    public func prefix(_ count: Int) throws -> ImageDataset {
        guard count >= 1 else {
            throw TrainingError.invalidData("ImageDataset: a subset needs at least 1 image, got \(count)")
        }
        let kept = Swift.min(count, self.count)
        return try ImageDataset(
            images: try batch(at: 0..<kept).images, labels: Array(labels[..<kept]), classes: classes)
    }
}
