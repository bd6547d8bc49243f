import Foundation

/// The machine a report was measured on, named in chart titles and report headers.
enum Host {
    /// The CPU's model name from /proc/cpuinfo ("AMD EPYC 9B45"), with the number of cores
    /// this process may use; "this machine" where /proc/cpuinfo is unreadable.
    static let description: String = {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        else { return "this machine (\(cores) cores)" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) + " (\(cores) cores)"
    }()
}
