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

    @Argument(help: "Peer host.") var host: String
    @Argument(help: "Peer port.") var port: Int
    @Argument(help: "Files or directories.") var paths: [String]
    @Option(name: .customLong("aet"), help: "Our (calling) AE title.") var callingAETitle: String = "YINGYUN_SCU"
    @Option(name: .customLong("aec"), help: "The peer's (called) AE title.") var calledAETitle: String = "ANY-SCP"
    @Flag(help: "Only the summary line.") var quiet = false

    func validate() throws {
        guard AETitle.isValid(callingAETitle), AETitle.isValid(calledAETitle) else {
            throw ValidationError("AE titles are 1-16 characters without backslash")
        }
    }

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
                items, host: host, port: port, callingAETitle: callingAETitle, calledAETitle: calledAETitle
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
        print("sent \(results.count - failed) of \(results.count) instances to \(host):\(port) in \(String(format: "%.2f", seconds)) s, \(failed) failed, \(unreadable) unreadable")
        if failed > 0 || unreadable > 0 { throw ExitCode(1) }
    }
}
