import Foundation
import Testing

@testable import GreenNN

/// `saveWeights` / `loadWeights` and the state_dict they use: PyTorch's names, round trips that
/// reproduce outputs, strict and non-strict loading, one error listing every problem, and
/// nothing loaded when anything is wrong.
@Suite struct WeightsTests {
    /// Conv, BatchNorm, ReLU, flatten, linear: parameters and buffers under PyTorch's paths.
    func makeModel(seed: UInt64) throws -> Sequential {
        var generator = SeededGenerator(seed: seed)
        return try Sequential(named: [
            NamedLayer(
                "features",
                try Sequential([
                    try Conv2d(1, 4, kernelSize: 3, padding: 1, using: &generator), try BatchNorm2d(4), ReLU(),
                ])),
            NamedLayer("flatten", Flatten()),
            NamedLayer("classifier", try Sequential([try Linear(4 * 5 * 5, 3, using: &generator)])),
        ])
    }

    /// The error `body` throws, recorded as an issue when it throws nothing or something else.
    func weightsError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> WeightsError? {
        do {
            try body()
        } catch let error as WeightsError {
            return error
        } catch {
            Issue.record("expected a WeightsError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        Issue.record("expected a WeightsError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    }

    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).safetensors").path
    }

    @Test func stateDictionaryUsesPyTorchNames() throws {
        let names = try makeModel(seed: 1).stateDictionary.keys.sorted()
        #expect(
            names == [
                "classifier.0.bias", "classifier.0.weight", "features.0.bias", "features.0.weight", "features.1.bias",
                "features.1.running_mean", "features.1.running_var", "features.1.weight",
            ])
    }

    @Test func roundTripReproducesTheOutput() throws {
        let source = try makeModel(seed: 1)
        let batchNorm = try #require(source.layers[0] as? Sequential).layers[1] as! BatchNorm2d
        batchNorm.runningMean = randomTensor([4], seed: 3)
        batchNorm.runningVariance = randomTensor([4], seed: 4, in: 0.5..<2)
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try source.saveWeights(to: path, metadata: ["model": "test"])
        let target = try makeModel(seed: 2)
        let input = randomTensor([2, 1, 5, 5], seed: 5)
        #expect(try target(input).scalars != source(input).scalars)
        let report = try target.loadWeights(from: path)
        #expect(report.isEmpty)
        #expect(try target(input).scalars == source(input).scalars)
    }

    @Test func strictLoadingListsEveryProblemAndLoadsNothing() throws {
        let model = try makeModel(seed: 1)
        let before = model.stateDictionary
        var tensors = try makeModel(seed: 2).stateDictionary
        tensors["features.0.bias"] = nil
        tensors["extra.weight"] = try Tensor.zeros([1])
        tensors["classifier.0.weight"] = try Tensor.zeros([3, 99])
        tensors["features.1.weight"] = try Tensor(shape: [4], scalars: [1, .nan, 1, 1])
        let error = weightsError { try model.loadStateDictionary(tensors) }
        if case let .mismatch(mismatch) = error {
            #expect(mismatch.missing == ["features.0.bias"])
            #expect(mismatch.unexpected == ["extra.weight"])
            #expect(
                mismatch.misshaped == [.init(name: "classifier.0.weight", expected: [3, 100], actual: [3, 99])])
            #expect(mismatch.nonFinite == ["features.1.weight"])
            let message = String(describing: error!)
            for fragment in ["features.0.bias", "extra.weight", "expected [3, 100], got [3, 99]", "NaN"] {
                #expect(message.contains(fragment), "\(message)")
            }
        } else {
            Issue.record("expected a mismatch, got \(String(describing: error))")
        }
        for (name, tensor) in model.stateDictionary { #expect(tensor.scalars == before[name]?.scalars, "\(name)") }
    }

    @Test func nonStrictLoadingReportsMissingAndUnexpectedButRejectsShapes() throws {
        let model = try makeModel(seed: 1)
        let donor = try makeModel(seed: 2).stateDictionary
        let report = try model.loadStateDictionary(
            ["features.0.weight": donor["features.0.weight"]!, "other": try Tensor.zeros([2])], strict: false)
        #expect(report.unexpected == ["other"])
        #expect(report.missing.count == 7)
        #expect(model.stateDictionary["features.0.weight"]?.scalars == donor["features.0.weight"]?.scalars)
        #expect(throws: WeightsError.self) {
            try model.loadStateDictionary(["features.0.weight": try Tensor.zeros([4, 1, 5, 5])], strict: false)
        }
    }

    @Test func acceptsPyTorchsBatchNormCounter() throws {
        let model = try makeModel(seed: 1)
        var tensors = model.stateDictionary
        tensors["features.1.num_batches_tracked"] = try Tensor(shape: [], scalars: [12])
        #expect(try model.loadStateDictionary(tensors).isEmpty)
        tensors["features.0.num_batches_tracked"] = try Tensor(shape: [], scalars: [12])
        #expect(throws: WeightsError.self) { try model.loadStateDictionary(tensors) }
    }

    /// A layer that lists a buffer but keeps the default `setBuffer`, which refuses it.
    final class StubbornBuffer: Layer {
        var isTraining = false
        let weight = Parameter(try! Tensor.zeros([2]))
        var directParameters: [NamedParameter] { [NamedParameter(name: "weight", parameter: weight)] }
        var directBuffers: [NamedTensor] { [NamedTensor(name: "stat", value: try! Tensor.zeros([2]))] }
        func forward(_ input: Tensor) throws -> Tensor { input }
        func backward(_ outputGradient: Tensor) throws -> Tensor { outputGradient }
        func cost(for input: Shape) throws -> LayerCost { LayerCost(kind: kind, input: input, output: input) }
        var description: String { "StubbornBuffer()" }
    }

    @Test func aBufferTheLayerRefusesLoadsNothing() throws {
        let model = try Sequential([makeModel(seed: 1), StubbornBuffer()])
        var tensors = model.stateDictionary
        let before = model.stateDictionary
        for (name, tensor) in tensors { tensors[name] = tensor + 1 }
        let error = weightsError { try model.loadStateDictionary(tensors) }
        guard case let .unsettableBuffer(name, _) = error else {
            Issue.record("expected unsettableBuffer, got \(String(describing: error))")
            return
        }
        #expect(name == "1.stat")
        for (name, tensor) in model.stateDictionary { #expect(tensor.scalars == before[name]?.scalars, "\(name)") }
    }

    /// Saving goes through `AtomicFile`: a save that cannot be made is a typed file error naming
    /// the path, and the weights saved before stay readable.
    @Test func aFailedSaveIsAFileErrorAndLeavesTheSavedWeights() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try makeModel(seed: 1).saveWeights(to: path)
        let saved = try Data(contentsOf: URL(fileURLWithPath: path))
        let missing = path + ".absent/weights.safetensors"
        let error = weightsError { try makeModel(seed: 2).saveWeights(to: missing) }
        guard case let .file(.unwritable(failure)) = error else {
            Issue.record("expected an unwritable file, got \(String(describing: error))")
            return
        }
        #expect(failure.step == .create && failure.path == missing)
        #expect(String(describing: error!).contains(missing))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == saved)
        #expect(try makeModel(seed: 3).loadWeights(from: path).isEmpty)
    }

    @Test func corruptFilesAreFileErrors() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        let error = weightsError { try makeModel(seed: 1).loadWeights(from: path) }
        #expect(error.map { "\($0)" }?.contains("header length") == true, "\(String(describing: error))")
        #expect(throws: WeightsError.self) { try makeModel(seed: 1).loadWeights(from: path + ".absent") }
    }
}
