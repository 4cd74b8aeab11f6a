import ArgumentParser

/// The `yingyun` command tree: one executable, one subcommand per operator task.
@main
struct YingyunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yingyun",
        abstract: "Yingyun (影云): a medical imaging cloud store.",
        subcommands: [
            ServeCommand.self, ImportCommand.self, VerifyCommand.self,
            DumpCommand.self, JSONCommand.self, ScanCommand.self, MPICommand.self,
            PixelsCommand.self, RenderCommand.self,
            EchoCommand.self, SendCommand.self, FindCommand.self,
        ]
    )
}
