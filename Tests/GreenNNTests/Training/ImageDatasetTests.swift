import Testing

@testable import GreenNN

/// `ImageDataset`: validation of labels against images and classes, mini-batches, subsets.
@Suite struct ImageDatasetTests {
    static func dataset() throws -> ImageDataset {
        try ImageDataset(images: rampTensor([4, 1, 2, 2]), labels: [3, 0, 1, 3], classes: 4)
    }

    @Test func batchesGatherImagesAndLabels() throws {
        let (images, labels) = try Self.dataset().batch(at: [2, 0])
        #expect(images.shape == [2, 1, 2, 2] && images.scalars == [8, 9, 10, 11, 0, 1, 2, 3] && labels == [1, 3])
        #expect(try Self.dataset().imageShape == [1, 2, 2])
    }

    @Test func prefixKeepsTheFirstImages() throws {
        let subset = try Self.dataset().prefix(3)
        #expect(subset.count == 3 && subset.labels == [3, 0, 1] && subset.images.shape == [3, 1, 2, 2])
        #expect(try Self.dataset().prefix(10).count == 4)
        #expect(throws: TrainingError.invalidData("ImageDataset: a subset needs at least 1 image, got 0")) {
            _ = try Self.dataset().prefix(0)
        }
    }

    @Test func rejectsLabelsThatDoNotFit() {
        #expect(
            throws: TrainingError.invalidData("ImageDataset: 3 labels for images [4, 1, 2, 2]; expected one per image")
        ) {
            _ = try ImageDataset(images: rampTensor([4, 1, 2, 2]), labels: [0, 1, 2], classes: 3)
        }
        #expect(throws: TrainingError.invalidData("ImageDataset: label 5 of image 1 is outside 0..<4")) {
            _ = try ImageDataset(images: rampTensor([2, 1]), labels: [0, 5], classes: 4)
        }
        #expect(throws: TrainingError.self) { _ = try Self.dataset().batch(at: [4]) }
    }
}
