import Foundation
import Testing

@testable import GreenBench

/// FuzzArguments' kept inputs (Tests/Fixtures/Fuzz/FuzzArguments/), replayed as the harness feeds
/// them: split at 0 bytes into a command line, read with `greenbench run`'s options, then every
/// accessor. Each must read or throw a `UsageError`, never trap; the hand-made one also pins its
/// message.
@Suite struct FuzzArgumentsRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("Fuzz").appendingPathComponent("FuzzArguments")

    static let inputs: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }()

    /// The harness's steps on the command line in file `name`.
    func replay(_ name: String) throws -> UsageError? {
        let bytes = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        let arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        do {
            let options = try Arguments(
                arguments, valueOptions: ["batch", "runs", "warmup", "threads", "format", "out"],
                flagOptions: ["layers", "eager"])
            _ = options.flag("layers") || options.flag("eager")
            _ = options.value("out")
            _ = try options.integer("batch", default: 1, in: 1...100_000)
            _ = try options.integer("runs", default: 10, in: Int.min...Int.max)
            _ = try options.integer("warmup", default: 3, in: 0...0)
            let _: OutputFormat = try options.choice("format", default: .text)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: inputs)
    func inputReadsOrThrows(_ name: String) throws {
        _ = try replay(name)
    }

    @Test func optionWithoutItsValueIsAUsageError() throws {
        #expect(try replay("missing-value")?.description == "option --batch needs a value")
    }

    /// Found by FuzzArguments' corpus: an empty name or value around "=" used to vanish ("--=layers"
    /// read as --layers, "--batch= 5" took the next argument as the value).
    @Test func emptyNamesAndValuesAroundTheEqualsSignAreNotDropped() throws {
        #expect(throws: UsageError.self) {
            try Arguments(["--=layers"], valueOptions: ["batch"], flagOptions: ["layers"])
        }
        let empty = try Arguments(["--batch=", "5"], valueOptions: ["batch"])
        #expect(empty.value("batch") == "" && empty.positionals == ["5"])
        #expect(throws: UsageError.self) { try empty.integer("batch", default: 1, in: 1...10) }
        #expect(throws: UsageError.self) { try Arguments(["--layers=yes"], valueOptions: [], flagOptions: ["layers"]) }
    }
}
