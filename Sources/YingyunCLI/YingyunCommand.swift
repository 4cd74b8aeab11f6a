import ArgumentParser

/// The `yingyun` command tree: one executable, one subcommand per operator task.
@main
struct YingyunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yingyun",
        abstract: "Yingyun (影云): a medical imaging cloud store.",
        subcommands: [DumpCommand.self, JSONCommand.self, ScanCommand.self]
    )
}
