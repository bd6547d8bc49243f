import Foundation
import Testing

@testable import GreenNN

/// `MNIST.load` on small generated folders (raw and gzipped names, both normalisations,
/// mismatched pairs) and, when ../shared/data/mnist exists, on the real files: sizes and the
/// published class counts of ../shared/data/README.md.
@Suite struct MNISTTests {
    /// ../shared/data/mnist beside the repository root, or nil when absent.
    static let dataDirectory: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    @Test func loadsAGeneratedFolderWithEitherNormalisation() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        try fixture.write(
            "t10k-images-idx3-ubyte.gz",
            IDXFixture.gzip(IDXFixture.idx(magic: IDX.imagesMagic, sizes: [2, 1, 2], values: [0, 255, 51, 102])))
        try fixture.write("t10k-labels-idx1-ubyte", IDXFixture.labels([9, 0]))
        let unit = try MNIST.load(from: fixture.folder.path, split: .test, normalisation: .unitInterval)
        #expect(unit.images.shape == [2, 1, 1, 2] && unit.labels == [9, 0] && unit.classes == 10)
        #expect(unit.images.scalars == [0, 1, 0.2, 0.4])
        let standard = try MNIST.load(from: fixture.folder.path, split: .test)
        let expected = [0, 255, 51, 102].map { (Float($0) / 255 - 0.1307) / 0.3081 }
        #expect(zip(standard.images.scalars, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func rejectsMissingAndMismatchedFiles() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        #expect(throws: IDXError.self) { _ = try MNIST.load(from: fixture.folder.path, split: .training) }
        let images = try fixture.write("train-images-idx3-ubyte", IDXFixture.images(count: 3, rows: 2, columns: 2))
        let labels = try fixture.write("train-labels-idx1-ubyte", IDXFixture.labels([1, 2]))
        #expect(throws: IDXError.mismatchedCounts(images: images, imageCount: 3, labels: labels, labelCount: 2)) {
            _ = try MNIST.load(from: fixture.folder.path, split: .training)
        }
        try fixture.write("train-labels-idx1-ubyte", IDXFixture.labels([1, 2, 10]))
        #expect(throws: IDXError.labelOutOfRange(path: labels, offset: 10, label: 10, classes: 10)) {
            _ = try MNIST.load(from: fixture.folder.path, split: .training)
        }
        #expect(
            IDXError.labelOutOfRange(path: "l", offset: 10, label: 10, classes: 10).description
                == "l: at byte offset 10: label 10 is outside the classes 0–9")
    }

    /// A truncated or oversized file in the folder is an `IDXError` naming that file, whatever
    /// the data set (MNIST and Fashion-MNIST share names and format).
    @Test func errorsNameTheFileAtFault() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let images = try fixture.write(
            "t10k-images-idx3-ubyte", Array(IDXFixture.images(count: 3, rows: 2, columns: 2).dropLast(2)))
        try fixture.write("t10k-labels-idx1-ubyte", IDXFixture.labels([1, 2, 3]))
        #expect(throws: IDXError.truncatedData(path: images, offset: 26, expected: 12, available: 10)) {
            _ = try MNIST.load(from: fixture.folder.path, split: .test)
        }
        try fixture.write("t10k-images-idx3-ubyte", IDXFixture.images(count: 3, rows: 2, columns: 2))
        let labels = try fixture.write("t10k-labels-idx1-ubyte.gz", [0x1f, 0x8b, 0x08])
        let cut = IDXError.corruptGzip(path: labels, offset: 3, reason: "the stream ends before its last member does")
        #expect(throws: cut) { _ = try MNIST.load(from: fixture.folder.path, split: .test) }
    }

    @Test(.enabled(if: dataDirectory != nil, "../shared/data/mnist is absent"))
    func realFilesHaveThePublishedSizesAndClassCounts() throws {
        let directory = try #require(Self.dataDirectory)
        let test = try MNIST.load(from: directory, split: .test, normalisation: .unitInterval)
        #expect(test.images.shape == [10_000, 1, 28, 28])
        var counts = [Int](repeating: 0, count: 10)
        for label in test.labels { counts[label] += 1 }
        #expect(counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        #expect(try test.images.max() == 1 && test.images.scalars.min() == 0)
        let trainingLabels = try IDX.readLabels(at: directory + "/train-labels-idx1-ubyte.gz")
        var trainingCounts = [Int](repeating: 0, count: 10)
        for label in trainingLabels { trainingCounts[Int(label)] += 1 }
        #expect(trainingCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    }
}
