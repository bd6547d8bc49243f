import Foundation

/// A powercap class directory written into a fresh temporary directory, one folder per
/// zone with `name`, `energy_uj` and `max_energy_range_uj`, as Linux lays out
/// /sys/class/powercap. Removed when the fixture is released.
final class PowercapFixture {
    /// One zone to write.
    struct Zone {
        var identifier: String
        var name: String
        var energyMicrojoules: UInt64
        var maxEnergyRangeMicrojoules: UInt64 = 262_143_328_850
    }

    /// The fixture's root, to pass as `RAPLMeter.Options.sysfsRoot`.
    let root: String
    private let base: String

    /// Writes `zones` under a new temporary directory.
    init(_ zones: [Zone]) throws {
        base = FileManager.default.temporaryDirectory.path + "/GreenEnergyTests-\(UUID().uuidString)"
        root = base + "/powercap"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for zone in zones {
            try FileManager.default.createDirectory(
                atPath: "\(root)/\(zone.identifier)", withIntermediateDirectories: true)
            try write(zone.name + "\n", to: "\(zone.identifier)/name")
            try write("\(zone.maxEnergyRangeMicrojoules)\n", to: "\(zone.identifier)/max_energy_range_uj")
            try setEnergy(zone.identifier, zone.energyMicrojoules)
        }
    }

    /// A laptop-like tree: package-0 with core, uncore and dram beneath it, and psys as a
    /// top-level zone, with distinct readings so a wrong sum shows.
    static func laptop() throws -> PowercapFixture {
        try PowercapFixture([
            Zone(identifier: "intel-rapl:0", name: "package-0", energyMicrojoules: 1_000_000),
            Zone(identifier: "intel-rapl:0:0", name: "core", energyMicrojoules: 500_000),
            Zone(identifier: "intel-rapl:0:1", name: "uncore", energyMicrojoules: 40_000),
            Zone(identifier: "intel-rapl:0:2", name: "dram", energyMicrojoules: 300_000),
            Zone(identifier: "intel-rapl:1", name: "psys", energyMicrojoules: 9_000_000),
        ])
    }

    /// Overwrites a zone's `energy_uj`.
    func setEnergy(_ identifier: String, _ microjoules: UInt64) throws {
        try write("\(microjoules)\n", to: "\(identifier)/energy_uj")
    }

    /// Overwrites any file under the root with `text`.
    func write(_ text: String, to relativePath: String) throws {
        try text.write(toFile: "\(root)/\(relativePath)", atomically: false, encoding: .utf8)
    }

    /// Replaces a file under the root by a directory of the same name.
    func replaceWithDirectory(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: "\(root)/\(relativePath)")
        try FileManager.default.createDirectory(atPath: "\(root)/\(relativePath)", withIntermediateDirectories: false)
    }

    /// Sets a file's permission bits.
    func setPermissions(_ mode: Int, of relativePath: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: "\(root)/\(relativePath)")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: base)
    }
}
