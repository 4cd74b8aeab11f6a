import ArgumentParser
import Foundation
import YingyunArchive
import YingyunDICOMIO
import YingyunNetwork

/// `yingyun send HOST PORT PATH...`: C-STORE SCU for operators — files and folders (recursively)
/// on one association, each file proposed in its own transfer syntax so its bytes go unchanged.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send DICOM files (folders recursively) to a DICOM peer with C-STORE.")

    @OptionGroup var peer: PeerOptions
    @Argument(help: "Files or directories.") var paths: [String]
    @Flag(help: "Only the summary line.") var quiet = false

    func run() async throws {
        let named = Set(paths)
        let files = Archive.files(under: paths).filter { named.contains($0) || ImportCommand.hasPart10Marker($0) }
        var items: [StoreSCU.Item] = []
        var unreadable = 0
        for path in files {
            do {
                items.append(try StoreSCU.item(name: path, source: FileByteSource(path: path)))
            } catch {
                reportFailure(path: path, error: error)
                unreadable += 1
            }
        }
        guard !items.isEmpty else {
            printError("send: nothing to send")
            throw ExitCode(1)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let quiet = self.quiet
        let results: [StoreSCU.Result]
        do {
            results = try await StoreSCU.send(
                items, host: peer.host, port: peer.port, callingAETitle: peer.callingAETitle, calledAETitle: peer.calledAETitle
            ) { r in
                if !quiet || r.status.category == .failure {
                    print("\(r.status.category == .failure ? "failed" : "sent"): \(r.name) status \(r.status)\(r.comment.map { " (\($0))" } ?? "")")
                }
            }
        } catch {
            printError("send: \(error)")
            throw ExitCode(1)
        }
        let failed = results.filter { $0.status.category == .failure }.count
        let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
        print("sent \(results.count - failed) of \(results.count) instances to \(peer.host):\(peer.port) in \(String(format: "%.2f", seconds)) s, \(failed) failed, \(unreadable) unreadable")
        if failed > 0 || unreadable > 0 { throw ExitCode(1) }
    }
}
