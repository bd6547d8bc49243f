import Foundation
import Testing

@testable import GreenModels

/// LeNet-5 learns MNIST: one epoch over the full 60,000 training images with Adam (learning
/// rate 1e-3, batch 64, seed 0, as ../shared/peers/train_mnist.py trains PyTorch's twin, which
/// reaches 97.9%) scores at least 97% on the 10,000 test images. About 20 s in a debug build,
/// under 3 s in release. Skipped when ../shared/data/mnist is absent.
@Suite struct LeNet5TrainingTests {
    /// ../shared/data/mnist beside the repository root, or nil when absent.
    static let dataDirectory: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.deletingLastPathComponent().appendingPathComponent("shared/data/mnist").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    @Test(.enabled(if: dataDirectory != nil, "../shared/data/mnist is absent: MNIST training skipped"))
    func reachesNinetySevenPercentAfterOneEpoch() throws {
        let directory = try #require(Self.dataDirectory)
        let training = try MNIST.load(from: directory, split: .training)
        let test = try MNIST.load(from: directory, split: .test)
        let trainer = try Trainer(
            model: try ModelZoo.model(named: "lenet5", seed: 0), optimizer: try Adam(learningRate: 1e-3), epochs: 1,
            batchSize: 64, seed: 0)
        trainer.progress = { _ in }
        let history = try trainer.fit(training, test: test)
        let accuracy = try #require(history.first?.testAccuracy)
        #expect(accuracy >= 0.97, "test accuracy \(accuracy)")
    }
}
