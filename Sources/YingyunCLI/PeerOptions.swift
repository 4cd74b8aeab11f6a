import ArgumentParser
import YingyunNetwork

/// The DICOM peer an SCU command (`echo`, `send`, `find`) talks to: its host and port, and the
/// AE titles of both ends.
struct PeerOptions: ParsableArguments {
    @Argument(help: "Peer host.") var host: String
    @Argument(help: "Peer port.") var port: Int
    @Option(name: .customLong("aet"), help: "Our (calling) AE title.") var callingAETitle: String = "YINGYUN_SCU"
    @Option(name: .customLong("aec"), help: "The peer's (called) AE title.") var calledAETitle: String = "ANY-SCP"

    func validate() throws {
        guard AETitle.isValid(callingAETitle), AETitle.isValid(calledAETitle) else {
            throw ValidationError("AE titles are 1-16 characters without backslash")
        }
    }
}
