import Foundation
import Testing

@testable import GreenNN

/// `AtomicFile`: a save replaces the target whole; a save that fails at any step (simulated, so
/// the test does not depend on running as root or on a full disk) leaves the old file as it was
/// and no temporary file beside it.
@Suite struct AtomicFileTests {
    /// A fresh folder under the temporary directory.
    func makeFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "greennn-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func writesANewFileAndReplacesAnOldOne() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("report.json")
        try AtomicFile.write(Data("old".utf8), to: target)
        #expect(try Data(contentsOf: target) == Data("old".utf8))
        try AtomicFile.write(Data("new, longer".utf8), to: target.path)
        #expect(try Data(contentsOf: target) == Data("new, longer".utf8))
        try AtomicFile.write(Data(), to: target)
        #expect(try Data(contentsOf: target).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.json"])
    }

    @Test(arguments: AtomicFileError.Step.allCases)
    func aFailureAtAnyStepLeavesTheOldFile(_ step: AtomicFileError.Step) throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("weights.safetensors")
        let good = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0) })
        try AtomicFile.write(good, to: target)
        let error = #expect(throws: AtomicFileError.self) {
            try AtomicFile.write(Data(repeating: 0xAB, count: 4096), to: target.path, failingAt: step)
        }
        #expect(error?.step == step && error?.path == target.path && error?.reason == "simulated failure")
        #expect(try Data(contentsOf: target) == good)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["weights.safetensors"])
    }

    @Test func aMissingDirectoryIsATypedErrorNamingThePath() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("absent/out.json").path
        let error = #expect(throws: AtomicFileError.self) { try AtomicFile.write(Data("x".utf8), to: target) }
        #expect(error?.step == .create && error?.reason == "No such file or directory")
        #expect(error?.description.hasPrefix("cannot save \(target): creating the temporary file ") == true)
        #expect(error?.description.hasSuffix(" failed: No such file or directory; the file is unchanged") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func keepsThePermissionsOfTheFileItReplaces() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("private.bin").path
        try AtomicFile.write(Data([1]), to: target)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        try AtomicFile.write(Data([2]), to: target)
        let permissions = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func temporaryFilesAreHiddenUniqueAndBesideTheTarget() {
        let target = URL(fileURLWithPath: "/data/run/weights.safetensors")
        let first = AtomicFile.temporaryPath(for: target)
        let second = AtomicFile.temporaryPath(for: target)
        #expect(first != second)
        #expect(
            first.hasPrefix("/data/run/.weights.safetensors.\(ProcessInfo.processInfo.processIdentifier).")
                && first.hasSuffix(".tmp"))
        let long = URL(fileURLWithPath: "/d/" + String(repeating: "n", count: 250))
        #expect(URL(fileURLWithPath: AtomicFile.temporaryPath(for: long)).lastPathComponent.utf8.count < 160)
    }
}
