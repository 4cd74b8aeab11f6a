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

    @OptionGroup var peer: PeerOptions

    func run() async throws {
        let request = AssociateRequest(
            calledAETitle: peer.calledAETitle, callingAETitle: peer.callingAETitle,
            presentationContexts: [ProposedPresentationContext(id: 1, abstractSyntax: SOPClasses.verification, transferSyntaxes: ["1.2.840.10008.1.2"])],
            userInformation: UserInformation())
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let status = try await DIMSEClient.withAssociation(host: peer.host, port: peer.port, request: request) { try await $0.echo() }
            print("C-ECHO \(peer.host):\(peer.port) \(peer.calledAETitle): status \(status) in \(clock.now - start)")
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
