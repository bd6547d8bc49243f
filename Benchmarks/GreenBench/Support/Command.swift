import GreenNN

/// One greenbench subcommand: its name, one-line summary, usage text and entry point.
protocol Command {
    /// The word that selects the command: `greenbench <name>`.
    static var name: String { get }
    /// One line for `greenbench --help`.
    static var summary: String { get }
    /// The full usage text that `--help` prints.
    static var usage: String { get }
    /// Parses `arguments` (everything after the command name) and runs.
    /// Throws `UsageError` for bad arguments (exit status 2), a size overflow (`LayerError` or
    /// `TensorError` `.sizeOverflow`: the sizes given are too large, also 2), anything else for
    /// failures (1).
    static func run(_ arguments: [String]) throws
}

/// A command's metadata and entry point as plain values, so the command list in main.swift
/// is an array of one concrete type.
struct CommandEntry {
    let name: String
    let summary: String
    let usage: String
    private let run: ([String]) throws -> Void

    init<Selected: Command>(_ command: Selected.Type) {
        name = Selected.name
        summary = Selected.summary
        usage = Selected.usage
        run = Selected.run
    }

    /// Runs the command with `arguments` (or prints its usage for --help) and returns the
    /// exit status: 0 success, 1 failure, 2 usage error or size overflow, 128 + the signal for a
    /// run stopped by SIGINT or SIGTERM (its checkpoint saved).
    func execute(_ arguments: [String]) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(usage)
            return 0
        }
        do {
            try run(arguments)
            return 0
        } catch let error as UsageError {
            Console.error("greenbench \(name): \(error)")
            return 2
        } catch let error as Interrupted {
            Console.error("greenbench \(name): \(error)")
            return 128 + error.signal
        } catch {
            Console.error("greenbench \(name): \(error)")
            return Self.isSizeOverflow(error) ? 2 : 1
        }
    }

    /// Whether `error` says a size computed from the command line (`--input`, `--batch`) does
    /// not fit in `Int` or past the kernels' C-int limits: a usage error, whichever command met it.
    static func isSizeOverflow(_ error: any Error) -> Bool {
        switch error {
        case let error as LayerError:
            switch error.reason {
            case .sizeOverflow(_), .tensor(.sizeOverflow(_, _, _)), .tensor(.sizeLimitExceeded(_, _, _, _)): return true
            default: return false
            }
        case let error as TensorError:
            switch error {
            case .sizeOverflow(_, _, _), .sizeLimitExceeded(_, _, _, _): return true
            default: return false
            }
        default:
            return false
        }
    }
}
