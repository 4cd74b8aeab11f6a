import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import YingyunNetwork

/// `yingyun echo HOST PORT`: C-ECHO (verification) against a DICOM peer.
struct EchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Verify a DICOM peer with C-ECHO.")

    @Argument(help: "Peer host.") var host: String
    @Argument(help: "Peer port.") var port: Int
    @Option(name: .customLong("aet"), help: "Our (calling) AE title.") var callingAETitle: String = "YINGYUN_SCU"
    @Option(name: .customLong("aec"), help: "The peer's (called) AE title.") var calledAETitle: String = "ANY-SCP"

    func validate() throws {
        guard AETitle.isValid(callingAETitle), AETitle.isValid(calledAETitle) else {
            throw ValidationError("AE titles are 1-16 characters without backslash")
        }
    }

    func run() async throws {
        let request = AssociateRequest(
            calledAETitle: calledAETitle, callingAETitle: callingAETitle,
            presentationContexts: [ProposedPresentationContext(id: 1, abstractSyntax: SOPClasses.verification, transferSyntaxes: ["1.2.840.10008.1.2"])],
            userInformation: UserInformation())
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let status = try await DIMSEClient.withAssociation(host: host, port: port, request: request) { try await $0.echo() }
            print("C-ECHO \(host):\(port) \(calledAETitle): status \(status) in \(clock.now - start)")
            if status != .success { throw ExitCode(1) }
        } catch let e as DIMSEError {
            printError("echo: \(e)")
            throw ExitCode(1)
        }
    }
}

/// One line on stderr.
func printError(_ s: String) {
    var line = s + "\n"
    line.withUTF8 { p in _ = Glibc.write(2, p.baseAddress, p.count) }
}
