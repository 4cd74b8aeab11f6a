import Foundation
import GRDB

extension SQLiteCatalog {
    /// Identities scored per write transaction: long enough to amortise the commit, short enough
    /// (tens of milliseconds) that an ingest waiting for the writer hardly notices.
    static let candidateSearchChunk = 128

    /// Scores every queued review-candidate search (`CandidateSearchQueue`), a chunk per write
    /// transaction. Returns how many were scored. `reviewQueue` calls it first, so its answer
    /// never misses a pair whose identities are both committed.
    @discardableResult
    public func scoreQueuedCandidateSearches() async throws -> Int {
        var total = 0
        while true {
            let n = try await write { db in
                try CandidateSearchQueue.score(db, limit: Self.candidateSearchChunk, now: Date().timeIntervalSince1970)
            }
            total += n
            if n < Self.candidateSearchChunk { return total }
        }
    }

    /// Review-candidate searches queued and not scored yet.
    public func queuedCandidateSearches() async throws -> Int {
        try await read { db in try CandidateSearchQueue.pending(db) }
    }

    /// Starts the background scoring task unless it runs already (it then goes round once more).
    /// Scoring waits for ingest to pause (`CandidateSearchScheduler.quiet`), or at most
    /// `maximumWait`, so a burst of instances is not slowed by it.
    func scheduleCandidateSearch() {
        guard candidateSearch.enabled, candidateSearch.request() else { return }
        let scheduler = candidateSearch
        Task.detached(priority: .background) { [self] in
            repeat {
                repeat {
                    try? await Task.sleep(for: scheduler.quiet)
                } while !scheduler.readyToScore()
                // A failure leaves the rows queued: the next ingest or start tries again.
                _ = try? await scoreQueuedCandidateSearches()
            } while scheduler.finished()
        }
    }
}

/// At most one background scoring task per catalog. It scores once ingest has queued nothing
/// for `quiet`, or when the oldest unscored request is `maximumWait` old; a request arriving
/// while it scores makes it go round once more.
final class CandidateSearchScheduler: @unchecked Sendable {
    let enabled: Bool
    let quiet: Duration
    let maximumWait: Duration
    private let lock = NSLock()
    private var running = false
    private var pendingSince: ContinuousClock.Instant?
    private var lastRequest = ContinuousClock.now

    init(enabled: Bool, quiet: Duration = .milliseconds(200), maximumWait: Duration = .seconds(30)) {
        self.enabled = enabled
        self.quiet = quiet
        self.maximumWait = maximumWait
    }

    /// Notes a queued search; true when the caller is to start the task.
    func request() -> Bool {
        lock.withLock {
            let now = ContinuousClock.now
            lastRequest = now
            if pendingSince == nil { pendingSince = now }
            if running { return false }
            running = true
            return true
        }
    }

    /// Whether to score now; if so, requests from now on count for the next round.
    func readyToScore() -> Bool {
        lock.withLock {
            let now = ContinuousClock.now
            guard let since = pendingSince else { return true }
            guard now - lastRequest >= quiet || now - since >= maximumWait else { return false }
            pendingSince = nil
            return true
        }
    }

    /// Called by the task after scoring: true to go round once more.
    func finished() -> Bool {
        lock.withLock {
            if pendingSince != nil { return true }
            running = false
            return false
        }
    }
}
