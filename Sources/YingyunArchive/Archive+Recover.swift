import Foundation
import Logging
import YingyunCatalog
import YingyunStore

/// What startup recovery did.
public struct RecoveryReport: Sendable {
    /// Objects left without a row by a crash between blob commit and catalog commit, now indexed.
    public var reindexed: Int = 0
    /// Objects without a row that could not be indexed (torn by power loss, conflicting): removed.
    public var removed: Int = 0
}

extension Archive {
    /// Brings store and catalog back into agreement after an unclean stop: every object without
    /// a row is re-hashed and re-indexed (it was durable, so it may have been acknowledged), or
    /// removed when it cannot be.
    public func recover() async throws -> RecoveryReport {
        var report = RecoveryReport()
        // The store first: with no object there is nothing to settle, and reading every digest
        // the catalog names (10 M rows: ~10 s and ~1 GB) is skipped.
        let stored = try store.allDigests()
        if stored.isEmpty { return report }
        let referenced = try await catalog.referencedDigests()
        for digest in stored where !referenced.contains(digest.hex) {
            if try await reindex(digest) {
                report.reindexed += 1
            } else {
                try store.remove(digest)
                report.removed += 1
            }
        }
        if report.reindexed + report.removed > 0 {
            logger.notice("recovery", metadata: ["reindexed": "\(report.reindexed)", "removed": "\(report.removed)"])
        }
        return report
    }

    private func reindex(_ digest: BlobDigest) async throws -> Bool {
        guard try store.rehash(digest) else { return false }
        let reader = try store.reader(for: digest)
        guard let prepared = try? PreparedInstance.parse(BlobByteSource(reader: reader), expectedStudyInstanceUID: nil) else {
            return false
        }
        let record = prepared.record(digest: digest.hex, size: reader.size, source: "RECOVERY", receivedAt: Date())
        do {
            _ = try await catalog.register(record, onConflict: conflictPolicy)
            return true
        } catch {
            return false
        }
    }
}
