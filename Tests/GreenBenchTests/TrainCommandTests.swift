import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `greenbench train` on a tiny generated MNIST-format folder (raw IDX files, 128 training and
/// 40 test images of random pixels): the JSON report and results.json hold one row per model
/// with its epochs, the chart is well-formed SVG, text and CSV render, and bad arguments exit 2
/// naming the problem.
@Suite struct TrainCommandTests {
    /// A temporary folder with the four MNIST files, raw, filled from a fixed seed: `trainingCount`
    /// training and 40 test images.
    static func makeData(trainingCount: Int = 128) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "greenbench-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var state: UInt32 = 12_345
        func next() -> UInt8 {
            state = state &* 1_103_515_245 &+ 12_345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        func header(_ words: [UInt32]) -> [UInt8] {
            words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
        }
        for (split, count) in [("train", trainingCount), ("t10k", 40)] {
            let images = header([0x803, UInt32(count), 28, 28]) + (0..<(count * 784)).map { _ in next() }
            let labels = header([0x801, UInt32(count)]) + (0..<count).map { UInt8($0 % 10) }
            try Data(images).write(to: folder.appendingPathComponent("\(split)-images-idx3-ubyte"))
            try Data(labels).write(to: folder.appendingPathComponent("\(split)-labels-idx1-ubyte"))
        }
        return folder
    }

    @Test func trainsAndWritesTheReport() throws {
        let data = try Self.makeData()
        defer { try? FileManager.default.removeItem(at: data) }
        let out = data.appendingPathComponent("report").path
        let result = try CommandLineTests().greenbench(
            "train", "lenet5", "lenet5-ds", "--data", data.path, "--epochs", "2", "--batch", "32", "--limit", "96",
            "--threads", "1", "--format", "json", "--out", out)
        #expect(result.status == 0, "\(result.errors)")
        let report = try #require(try CommandLineTests().json(result.output) as? [String: Any])
        let models = try #require(report["models"] as? [[String: Any]])
        #expect(models.map { $0["model"] as? String } == ["lenet5", "lenet5-ds"])
        #expect(models[0]["parameters"] as? Int == 61_706 && models[0]["macsPerImage"] as? Int == 416_520)
        #expect((models[0]["epochs"] as? [Any])?.count == 2 && report["limit"] as? Int == 96)
        for model in models {
            let accuracy = try #require(model["testAccuracy"] as? Double)
            #expect((0...1).contains(accuracy) && (model["trainingJoules"] as? Double ?? -1) >= 0)
        }
        let saved = try JSONSerialization.jsonObject(
            with: try Data(contentsOf: URL(fileURLWithPath: out + "/results.json")))
        #expect((saved as? [String: Any])?["models"] as? [Any] != nil)
        _ = try XMLDocument(data: try Data(contentsOf: URL(fileURLWithPath: out + "/accuracy-vs-macs.svg")))
        #expect(FileManager.default.fileExists(atPath: out + "/report.html"))
        #expect(result.errors.contains("train: lenet5 epoch 2/2  batch 3/3"))
    }

    @Test func anInterruptedRunResumesToTheSameWeightsAndResults() throws {
        let data = try Self.makeData(trainingCount: 2048)
        defer { try? FileManager.default.removeItem(at: data) }
        func arguments(_ out: String) -> [String] {
            [
                "train", "lenet5", "--data", data.path, "--epochs", "3", "--batch", "32", "--threads", "1",
                "--optimizer", "sgd", "--format", "json", "--out", data.appendingPathComponent(out).path,
            ]
        }
        let whole = try CommandLineTests().greenbench(arguments("whole"))
        #expect(whole.status == 0, "\(whole.errors)")

        // Interrupt with SIGINT once the first epoch's checkpoint is on disk.
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = arguments("parts")
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoint = data.appendingPathComponent("parts/checkpoints/lenet5/checkpoint.json").path
        while process.isRunning && !FileManager.default.fileExists(atPath: checkpoint) { usleep(2_000) }
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "the run ended before the signal arrived")

        let resumed = try CommandLineTests().greenbench(
            ["train", "lenet5", "--resume", data.appendingPathComponent("parts").path]
                + arguments("parts").dropFirst(2).filter { $0 != "--out" && !$0.hasSuffix("/parts") })
        #expect(resumed.status == 0, "\(resumed.errors)")
        func results(_ text: String) throws -> [String: Any] {
            let report = try #require(try CommandLineTests().json(text) as? [String: Any])
            return try #require((report["models"] as? [[String: Any]])?.first)
        }
        let (first, second) = (try results(whole.output), try results(resumed.output))
        #expect(first["testAccuracy"] as? Double == second["testAccuracy"] as? Double)
        let losses = { (model: [String: Any]) in
            (model["epochs"] as? [[String: Any]] ?? []).map { $0["loss"] as? Double }
        }
        #expect(losses(first).count == 3 && losses(first) == losses(second))
        func finalWeights(_ out: String) throws -> Data {
            let folder = data.appendingPathComponent("\(out)/checkpoints/lenet5")
            let name = try #require(
                try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix("model-step") })
            return try Data(contentsOf: folder.appendingPathComponent(name))
        }
        #expect(try finalWeights("whole") == finalWeights("parts"), "the resumed run ends on other weights")
    }

    @Test func rendersATextTable() throws {
        let data = try Self.makeData()
        defer { try? FileManager.default.removeItem(at: data) }
        let result = try CommandLineTests().greenbench(
            "train", "lenet5", "--data", data.path, "--limit", "32", "--threads", "1", "--out",
            data.appendingPathComponent("r").path)
        #expect(result.status == 0, "\(result.errors)")
        #expect(
            result.output.hasPrefix("model ") && result.output.contains("test acc %")
                && result.output.contains("energy source: "))
        let csv = try CommandLineTests().greenbench(
            "train", "lenet5", "--data", data.path, "--limit", "32", "--threads", "1", "--format", "csv",
            "--out", data.appendingPathComponent("r").path)
        let tables = csv.output.components(separatedBy: "\n\n")
        #expect(csv.status == 0 && tables.count == 2)
        #expect(
            tables.allSatisfy { !CommandLineTests().csvRows($0).isEmpty } && tables[1].hasPrefix("model,epoch,loss"))
        #expect(CommandLineTests().csvRows(tables[0])[0].last == "energy source")
    }

    @Test func rejectsBadArgumentsWithStatus2() throws {
        let data = try Self.makeData()
        defer { try? FileManager.default.removeItem(at: data) }
        let missing = try CommandLineTests().greenbench("train", "lenet5")
        #expect(missing.status == 2 && missing.errors.contains("--data DIR is required"))
        let optimizer = try CommandLineTests().greenbench(
            "train", "lenet5", "--data", data.path, "--optimizer", "rmsprop")
        #expect(
            optimizer.status == 2 && optimizer.errors.contains("--optimizer must be one of adam, sgd, got 'rmsprop'"))
        let shape = try CommandLineTests().greenbench("train", "vgg16-cifar", "--data", data.path)
        #expect(shape.status == 2 && shape.errors.contains("vgg16-cifar takes [3, 32, 32] images"))
        let rate = try CommandLineTests().greenbench("train", "lenet5", "--data", data.path, "--lr", "-1")
        #expect(rate.status == 2 && rate.errors.contains("--lr must be a positive number"))
    }
}
