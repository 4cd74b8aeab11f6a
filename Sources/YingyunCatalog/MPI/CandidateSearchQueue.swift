import Foundation
import GRDB

/// Review-candidate searches, queued at ingest and scored later (schema v3, `candidate_search`).
///
/// Why: the search probes three birth-date/name indexes at random pages of a large
/// `local_identity` table and scores what it finds; inside the ingest transaction that is paid by
/// every new local identity while the instance waits for its acknowledgement. A queue row is an
/// append, committed with the identity itself, so a crash loses no search: whatever is queued at
/// startup is scored then. Scoring uses the identity's master and demographics as they are when
/// it runs (a relink in between is seen), and `CandidateFinder` never links, so the delay changes
/// no link — only when a pair shows up in the review queue, which drains the queue before it
/// answers.
enum CandidateSearchQueue {
    /// Queues a search for a new local identity (inside the registering transaction).
    static func enqueue(_ db: Database, localIdentity: Int64, now: Double) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO candidate_search (local_identity_id, queued_at) VALUES (?, ?)")
            .execute(arguments: [localIdentity, now])
    }

    /// The oldest queued searches with their identity's master and demographics (bound: limit).
    static let nextSearchesSQL = """
        SELECT q.local_identity_id, l.master_id, l.name, l.birth_date, l.sex
        FROM candidate_search q CROSS JOIN local_identity l ON l.id = q.local_identity_id
        ORDER BY q.local_identity_id LIMIT ?
        """

    /// Scores up to `limit` queued searches, oldest identity first, and removes them from the
    /// queue, in the caller's transaction. Returns how many were scored. CROSS JOIN keeps the
    /// (small) queue as the outer loop: the planner, seeing no statistics for the queue, would
    /// otherwise scan all of `local_identity` for every chunk.
    static func score(_ db: Database, limit: Int, now: Double) throws -> Int {
        let rows = try Row.fetchAll(db.cachedStatement(sql: nextSearchesSQL), arguments: [limit])
        let finder = CandidateFinder(db: db, now: now)
        let done = try db.cachedStatement(sql: "DELETE FROM candidate_search WHERE local_identity_id = ?")
        for row in rows {
            let id: Int64 = row[0]
            let demographics = Demographics(name: row[2], birthDate: row[3], sex: row[4])
            try finder.suggest(for: id, master: row[1], demographics, normalised: demographics.normalisedName)
            try done.execute(arguments: [id])
        }
        return rows.count
    }

    /// Queued searches not scored yet.
    static func pending(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM candidate_search") ?? 0
    }
}
