import ArgumentParser
import Foundation
import Logging
import YingyunArchive
import YingyunStore

/// `yingyun verify`: re-hash every object; report corrupt, missing and orphaned ones.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash every stored object and check it against the catalog (exit 1 when anything is wrong).")

    @OptionGroup var options: DataDirectoryOptions

    func run() async throws {
        var logger = Logger(label: "yingyun")
        logger.logLevel = .warning
        let (archive, _) = try options.openArchive(logger: logger)
        let start = Date()
        let report = try await archive.verify()
        let seconds = Date().timeIntervalSince(start)
        for d in report.corrupt { print("corrupt: \(d)") }
        for d in report.missing { print("missing: \(d)") }
        for d in report.orphaned { print("orphaned: \(d)") }
        print("verified \(report.objectsChecked) objects (\(report.bytesChecked) bytes) in \(String(format: "%.2f", seconds)) s: \(report.corrupt.count) corrupt, \(report.missing.count) missing, \(report.orphaned.count) orphaned")
        if !report.isClean { throw ExitCode(1) }
    }
}
