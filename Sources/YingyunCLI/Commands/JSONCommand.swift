import ArgumentParser

/// `yingyun json FILE`: the PS3.18 Annex F JSON object of one file. (Encoder lands with the JSON module.)
struct JSONCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "json", abstract: "Print a file as DICOM JSON.")
    @Argument var file: String
    @Flag var inline = false
    func run() throws { throw ExitCode(2) }
}
