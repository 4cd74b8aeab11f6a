import Foundation
import GRDB
import Testing
@testable import YingyunCatalog

/// Review-candidate searches leave the ingest transaction (`CandidateSearchQueue`): queued with
/// the identity, scored in the background or before the review queue answers, and resumed at
/// startup when a process died with searches queued.
@Suite struct CandidateSearchQueueTests {
    func instance(_ n: Int, _ pid: String, _ issuer: String, name: String = "Zhang^Wei=张^伟",
                  ids: [(String, String)] = []) -> TestInstance {
        TestInstance(study: "8.\(n)", series: "8.\(n).1", sop: "8.\(n).1.1", patientID: pid, issuer: issuer,
                     patientName: name, birthDate: "19800101", sex: "M", otherIDs: ids)
    }

    /// Two look-alikes (same name and birth date, different national IDs) and one other person.
    func registerLookAlikes(_ c: SQLiteCatalog) async throws {
        let records = [
            instance(1, "A-1", "HOSP-A", ids: [(residentID("11010119800101001"), "NNCHN")]),
            instance(2, "B-1", "HOSP-B", ids: [(residentID("44030519800101003"), "NNCHN")]),
            instance(3, "C-1", "HOSP-C", name: "Wang^Fang=王^芳"),
        ].map { $0.record() }
        let results = try await c.register(records, onConflict: .reject)
        #expect(results.allSatisfy { if case .success(.stored) = $0 { true } else { false } })
    }

    func scoredPairs(_ c: SQLiteCatalog) async throws -> Int {
        try await c.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_candidate") ?? 0 }
    }

    func waitUntilDrained(_ c: SQLiteCatalog) async throws {
        for _ in 0..<200 {
            if try await c.queuedCandidateSearches() == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("candidate searches still queued after 10 s")
    }

    @Test func ingestQueuesAndTheReviewQueueScoresFirst() async throws {
        let c = try SQLiteCatalog.inMemory(scoresCandidatesInBackground: false)
        try await registerLookAlikes(c)
        #expect(try await c.queuedCandidateSearches() == 3)
        #expect(try await scoredPairs(c) == 0)  // nothing scored inside the ingest transaction
        let queue = try await c.reviewQueue(limit: 10)
        #expect(try await c.queuedCandidateSearches() == 0)
        #expect(queue.candidates.count == 1)
        #expect(Set([queue.candidates[0].first.identifier.value, queue.candidates[0].second.identifier.value]) == ["A-1", "B-1"])
        #expect(queue.candidates[0].reasons.contains("different-trusted-identifiers"))
        // A known identity's later instance queues nothing.
        var again = instance(1, "A-1", "HOSP-A", ids: [(residentID("11010119800101001"), "NNCHN")])
        again.sop = "8.1.1.2"
        #expect(try await c.register(again.record(), onConflict: .reject) == .stored)
        #expect(try await c.queuedCandidateSearches() == 0)
    }

    @Test func backgroundTaskScoresWithoutBeingAsked() async throws {
        let c = try SQLiteCatalog.inMemory()
        try await registerLookAlikes(c)
        try await waitUntilDrained(c)
        #expect(try await scoredPairs(c) == 1)
    }

    @Test func linkingOffQueuesNothing() async throws {
        let c = try SQLiteCatalog.inMemory(policy: IdentityPolicy(linking: false), scoresCandidatesInBackground: false)
        try await registerLookAlikes(c)
        #expect(try await c.queuedCandidateSearches() == 0)
    }

    /// As after `kill -9` between the ingest commit and the scoring: the queue rows are in the
    /// file, and the next process scores them at startup, unasked.
    @Test func searchesLeftQueuedByAStoppedProcessResumeAtStartup() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("catalog.sqlite")
        do {
            let first = try SQLiteCatalog(path: path, scoresCandidatesInBackground: false)
            try await registerLookAlikes(first)
            #expect(try await first.queuedCandidateSearches() == 3)
        }
        let reopened = try SQLiteCatalog(path: path)
        try await waitUntilDrained(reopened)
        #expect(try await scoredPairs(reopened) == 1)
        #expect(try await reopened.reviewQueue(limit: 10).candidates.count == 1)
    }

    /// Scoring sees the identity as it is then: linked in the meantime to the look-alike's
    /// master by a shared national ID, it is no candidate any more.
    @Test func scoringUsesTheCurrentMaster() async throws {
        let c = try SQLiteCatalog.inMemory(scoresCandidatesInBackground: false)
        let nid = residentID("11010119800101001")
        _ = try await c.register([instance(1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")]).record()], onConflict: .reject)
        _ = try await c.register([instance(2, "B-1", "HOSP-B").record()], onConflict: .reject)
        var linked = instance(2, "B-1", "HOSP-B", ids: [(nid, "NNCHN")])
        linked.sop = "8.2.1.2"
        #expect(try await c.register(linked.record(), onConflict: .reject) == .stored)
        #expect(try await c.masterPatientID(forStudy: "8.2") == c.masterPatientID(forStudy: "8.1"))
        #expect(try await c.queuedCandidateSearches() == 2)
        #expect(try await c.scoreQueuedCandidateSearches() == 2)
        #expect(try await scoredPairs(c) == 0)
    }
}

/// The scoring query must read the queue, not the identity table: with statistics for a large
/// `local_identity` and none for the (usually empty) queue, SQLite's planner once chose to scan
/// every identity for each chunk of 128 searches.
@Suite struct CandidateSearchPlanTests {
    @Test func scoringReadsTheQueueAndLooksIdentitiesUpByKey() async throws {
        let c = try SQLiteCatalog.inMemory(scoresCandidatesInBackground: false)
        let records = (0..<300).map { n in
            TestInstance(study: "9.\(n)", series: "9.\(n).1", sop: "9.\(n).1.1", patientID: "P\(n)", issuer: "HOSP-A",
                         patientName: "Li^Na\(n)", birthDate: "19800101", sex: "F").record()
        }
        _ = try await c.register(records, onConflict: .reject)
        _ = try await c.scoreQueuedCandidateSearches()
        let plan = try await c.writer.write { db -> [String] in
            try db.execute(sql: "ANALYZE")
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + CandidateSearchQueue.nextSearchesSQL, arguments: [128])
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.hasPrefix("SCAN q") }, "\(plan)")
        #expect(plan.contains { $0.hasPrefix("SEARCH l USING INTEGER PRIMARY KEY") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN l") }, "\(plan)")
    }
}
