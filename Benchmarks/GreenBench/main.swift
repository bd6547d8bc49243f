// greenbench: GreenNN's benchmark executable. This file only dispatches to a command.
import Foundation

/// Every command, in the order `greenbench --help` lists them.
let commands: [CommandEntry] = [
    CommandEntry(ModelsCommand.self), CommandEntry(TableCommand.self), CommandEntry(CompareCommand.self),
    CommandEntry(RunCommand.self), CommandEntry(BlocksCommand.self), CommandEntry(PeakCommand.self),
    CommandEntry(TrainCommand.self), CommandEntry(InferCommand.self), CommandEntry(ExportCommand.self),
    CommandEntry(CompressCommand.self), CommandEntry(QuantizeCommand.self),
]

/// The top-level usage text, listing every command.
@MainActor func usage() -> String {
    var text = "usage: greenbench <command> [options]\n\ncommands:\n"
    for command in commands {
        text += "  " + command.name.padding(toLength: 10, withPad: " ", startingAt: 0) + command.summary + "\n"
    }
    return text
        + "\nRun 'greenbench <command> --help' for a command's options; 'greenbench' alone runs the standard suite."
}

let arguments = Array(CommandLine.arguments.dropFirst())
if let name = arguments.first, name != "--help", name != "-h" {
    if let command = commands.first(where: { $0.name == name }) {
        exit(command.execute(Array(arguments.dropFirst())))
    }
    Console.error("greenbench: unknown command '\(name)' (known: \(commands.map(\.name).joined(separator: ", ")))")
    exit(2)
}
if arguments.isEmpty {
    do {
        try RunCommand.standardSuite()
        exit(0)
    } catch {
        Console.error("greenbench: \(error)")
        exit(1)
    }
}
print(usage())
exit(0)
