import ArgumentParser
import Foundation
import Logging
import YingyunArchive
import YingyunStore
import YingyunCatalog

#if canImport(Glibc)
import Glibc
#endif

/// `yingyun import PATH...`: files and folders through the same ingest pipeline as STOW-RS.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import DICOM files (folders recursively) into a data directory.")

    @Argument(help: "Files or directories.")
    var paths: [String]

    @OptionGroup var options: DataDirectoryOptions

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() async throws {
        var logger = Logger(label: "yingyun")
        logger.logLevel = .warning
        let (archive, store) = try options.openArchive(logger: logger)
        _ = try store.cleanTemporaries()
        // Inside folders, files without the Part 10 "DICM" marker (DICOMDIR aside, manifests,
        // readme files) are skipped; a file named on the command line is always tried.
        let named = Set(paths)
        let all = Archive.files(under: paths)
        let files = all.filter { named.contains($0) || Self.hasPart10Marker($0) }
        let skipped = all.count - files.count
        var stored = 0, duplicates = 0, replaced = 0, bytes = 0
        var failures: [(String, IngestFailure)] = []
        let progress = ProgressBar(total: files.count, enabled: !quiet && isatty(2) != 0)
        let start = Date()
        // A few files in flight at once, so their durable commits share flushes.
        try await withThrowingTaskGroup(of: (String, Result<IngestedInstance, IngestFailure>).self) { group in
            var next = 0
            var done = 0
            func add(_ g: inout ThrowingTaskGroup<(String, Result<IngestedInstance, IngestFailure>), any Error>) {
                let path = files[next]
                next += 1
                g.addTask { (path, await archive.importFile(atPath: path)) }
            }
            while next < files.count && next < 8 { add(&group) }
            while let (path, result) = try await group.next() {
                done += 1
                switch result {
                case .success(let i):
                    bytes += i.size
                    switch i.outcome {
                    case .stored: stored += 1
                    case .duplicate: duplicates += 1
                    case .replaced: replaced += 1
                    }
                case .failure(let f):
                    failures.append((path, f))
                }
                progress.update(done)
                if next < files.count { add(&group) }
            }
        }
        progress.finish()
        let seconds = Date().timeIntervalSince(start)
        var summary = "imported \(files.count) files in \(String(format: "%.2f", seconds)) s: \(stored) stored, \(duplicates) duplicate"
        if replaced > 0 { summary += ", \(replaced) replaced" }
        if skipped > 0 { summary += ", \(skipped) non-DICOM skipped" }
        summary += ", \(failures.count) failed"
        if seconds > 0 { summary += String(format: " (%.1f MB/s)", Double(bytes) / seconds / 1e6) }
        if store.totalDeduplicatedBytes > 0 { summary += "; \(store.totalDeduplicatedBytes) bytes not stored again (deduplicated)" }
        print(summary)
        for (path, f) in failures.sorted(by: { $0.0 < $1.0 }) {
            print("failed: \(path): \(f)")
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

extension ImportCommand {
    static func hasPart10Marker(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        guard let head = try? h.read(upToCount: 132), head.count == 132 else { return false }
        return head[128] == 0x44 && head[129] == 0x49 && head[130] == 0x43 && head[131] == 0x4D
    }
}

/// A one-line progress bar on stderr, redrawn at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    let enabled: Bool
    private var last = Date.distantPast

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func update(_ done: Int) {
        guard enabled, Date().timeIntervalSince(last) > 0.1 || done == total else { return }
        last = Date()
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)"
        FileHandle.standardError.write(line.data(using: .utf8)!)
    }

    func finish() {
        if enabled { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    }
}
