/// Why a meter could not be built or could not read its sensor. The RAPL cases name the
/// sysfs file and the reason, and read "RAPL unavailable: ..." so that a modelled report's
/// source can quote them as the reason it fell back.
public enum EnergyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file or directory of the powercap tree does not exist: no RAPL driver, or a virtual
    /// machine, whose guests normally get no powercap tree (ENERGY.md §1, "VMs").
    case missing(path: String)
    /// The file exists but this user may not read it: `energy_uj` has been root-only since
    /// the PLATYPUS fix (CVE-2020-8694, Linux commit 949dd0104c49, Nov 2020).
    case permissionDenied(path: String)
    /// The file exists but gave no usable value: it is a directory, it holds no number, its
    /// reading is outside the zone's range, or the read failed for another reason.
    case unreadable(path: String, reason: String)
    /// The powercap tree has no RAPL zone named `package-N`; `found` lists the zones seen,
    /// as "name (zone)".
    case noPackageZone(root: String, found: [String])
    /// A span was handed to a meter that did not start it, so its counters do not match the
    /// meter's zones.
    case spanMismatch(operation: String, expectedZones: [String], actualZones: [String])
    /// A configuration value or argument outside its allowed range, with the rule it broke.
    case invalidArgument(operation: String, message: String)

    /// A one-line message naming the file or argument and what went wrong.
    public var description: String {
        switch self {
        case let .missing(path):
            return "RAPL unavailable: \(path) does not exist"
        case let .permissionDenied(path):
            return "RAPL unavailable: permission denied reading \(path) (energy_uj is root-only since the "
                + "PLATYPUS fix, CVE-2020-8694; `sudo chmod -R a+r /sys/class/powercap/*` opens it until reboot)"
        case let .unreadable(path, reason):
            return "RAPL unavailable: cannot read \(path): \(reason)"
        case let .noPackageZone(root, found):
            let seen = found.isEmpty ? "no intel-rapl zones at all" : "found: " + found.joined(separator: ", ")
            return "RAPL unavailable: no zone named package-N under \(root) (\(seen))"
        case let .spanMismatch(operation, expectedZones, actualZones):
            return "\(operation): the span was started by another meter: expected zones "
                + "[\(expectedZones.joined(separator: ", "))], got [\(actualZones.joined(separator: ", "))]"
        case let .invalidArgument(operation, message):
            return "\(operation): \(message)"
        }
    }
}
