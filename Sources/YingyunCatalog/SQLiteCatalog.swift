import Foundation
import GRDB
import YingyunDICOM

/// The SQLite catalog (GRDB): one database file in WAL mode, one writer, concurrent readers.
///
/// Durability: `synchronous=NORMAL` in WAL mode may lose the last committed transactions on
/// power loss (never corrupts). That is acceptable because every indexed object was fsync'd to
/// the blob store before its row was written, and recovery re-indexes objects that have no row
/// (the blob store, not this file, is the source of truth). It saves one fsync per ingest.
public final class SQLiteCatalog: Catalog {
    let writer: any DatabaseWriter
    public let policy: IdentityPolicy
    let candidateSearch: CandidateSearchScheduler

    /// Opens (creating if needed) the catalog at `path` and migrates it.
    /// - Parameter scoresCandidatesInBackground: score review-candidate searches queued at ingest
    ///   in a background task (and those left queued by a previous process, from now); off, they
    ///   wait for `scoreQueuedCandidateSearches()` or the next `reviewQueue` call.
    public convenience init(
        path: String, policy: IdentityPolicy = IdentityPolicy(), scoresCandidatesInBackground: Bool = true
    ) throws {
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: SQLiteCatalog.configuration())
        } catch {
            throw CatalogError.storage("cannot open \(path): \(error)")
        }
        try self.init(writer: pool, policy: policy, scoresCandidatesInBackground: scoresCandidatesInBackground)
    }

    /// An in-memory catalog with the same schema and SQL: the test twin.
    public static func inMemory(
        policy: IdentityPolicy = IdentityPolicy(), scoresCandidatesInBackground: Bool = true
    ) throws -> SQLiteCatalog {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: configuration())
        } catch {
            throw CatalogError.storage("cannot open an in-memory database: \(error)")
        }
        return try SQLiteCatalog(writer: queue, policy: policy, scoresCandidatesInBackground: scoresCandidatesInBackground)
    }

    init(writer: any DatabaseWriter, policy: IdentityPolicy, scoresCandidatesInBackground: Bool) throws {
        self.writer = writer
        self.policy = policy
        self.candidateSearch = CandidateSearchScheduler(enabled: scoresCandidatesInBackground)
        do {
            try CatalogSchema.migrator.migrate(writer)
        } catch {
            throw CatalogError.storage("migration failed: \(error)")
        }
        // Searches a previous process queued but did not score (stopped, killed) resume now.
        scheduleCandidateSearch()
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // DatabasePool already sets journal_mode=WAL; see the type comment for NORMAL.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The writer's page cache: linking files a study under an existing master, so each new
            // study reads random pages of master_patient (foreign key), study_by_master,
            // local_identity_by_master and trusted_identifier. With SQLite's default 2 MB cache
            // each is a pread (~30 µs here); cached, an insert under an old master costs what
            // one under a new master does (~20 µs). Readers keep the default.
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -\(SQLiteCatalog.writerCacheKiB)")
            }
        }
        return config
    }

    /// The writer connection's page cache (KiB).
    static let writerCacheKiB = 262_144

    /// Reads the pages that linking touches at random (see `configuration`) into the writer's
    /// cache, so ingest does not pay a read per page while the cache fills by itself. About a
    /// second and ~150 MB for 1 M patients; `yingyun serve` runs it in the background at startup.
    public func prewarmLinkingPages() async throws {
        for sql in [
            "SELECT COUNT(*) FROM master_patient NOT INDEXED",
            "SELECT COUNT(*) FROM local_identity INDEXED BY local_identity_by_master WHERE master_id > 0",
            "SELECT COUNT(*) FROM study INDEXED BY study_by_master WHERE master_id > 0",
            "SELECT COUNT(*) FROM trusted_identifier INDEXED BY sqlite_autoindex_trusted_identifier_1 WHERE issuer > ''",
            "SELECT SUM(master_id) FROM trusted_identifier NOT INDEXED",
        ] {
            // One write access per index: ingest waits at most one scan, not all of them.
            _ = try await write { db in try Int64.fetchOne(db, sql: sql) }
        }
    }

    /// Copies the write-ahead log into the database file and empties it, so the file alone holds
    /// the catalog (for copying it).
    public func checkpoint() throws {
        do {
            try writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        } catch {
            throw CatalogError.storage("checkpoint failed: \(error)")
        }
    }

    /// Runs a read, mapping SQLite errors to `CatalogError.storage`.
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let e as CatalogError {
            throw e
        } catch let e as MPIError {
            throw e
        } catch {
            throw CatalogError.storage("\(error)")
        }
    }

    /// Runs one write transaction, mapping SQLite errors to `CatalogError.storage`.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let e as CatalogError {
            throw e
        } catch let e as MPIError {
            throw e
        } catch {
            throw CatalogError.storage("\(error)")
        }
    }

    // MARK: Catalog

    public func register(_ record: InstanceRecord, onConflict: ConflictPolicy) async throws -> RegisterOutcome {
        let attributes = try IndexedAttributes(record.dataSet)
        let policy = self.policy
        let (outcome, queued) = try await write { db in
            var registration = Registration(db: db, record: record, attributes: attributes, policy: policy)
            let outcome = try registration.run(onConflict: onConflict)
            return (outcome, registration.queuedCandidateSearch)
        }
        if queued { scheduleCandidateSearch() }
        return outcome
    }

    public func register(_ records: [InstanceRecord], onConflict: ConflictPolicy) async throws -> [Result<RegisterOutcome, CatalogError>] {
        let attributes: [Result<IndexedAttributes, CatalogError>] = records.map { r in
            do { return .success(try IndexedAttributes(r.dataSet)) } catch let e as CatalogError {
                return .failure(e)
            } catch {
                return .failure(.storage("\(error)"))
            }
        }
        let policy = self.policy
        let (results, queued) = try await write { db in
            var queued = false
            var identities = IdentityResolver.BatchCache()
            var results: [Result<RegisterOutcome, CatalogError>] = []
            results.reserveCapacity(records.count)
            for (record, attrs) in zip(records, attributes) {
                guard case .success(let a) = attrs else {
                    if case .failure(let e) = attrs { results.append(.failure(e)) }
                    continue
                }
                // A savepoint per record: one refused instance leaves the others' rows intact.
                var outcome: RegisterOutcome = .duplicate
                let input = IdentityResolver.Input(a, source: record.source)
                var resolution: IdentityResolver.Resolution?
                do {
                    try db.inSavepoint {
                        var registration = Registration(db: db, record: record, attributes: a, policy: policy)
                        registration.known = identities.resolution(for: input)
                        outcome = try registration.run(onConflict: onConflict)
                        if registration.queuedCandidateSearch { queued = true }
                        resolution = registration.resolution
                        return .commit
                    }
                    if let resolution { identities.remember(resolution, for: input) }
                    results.append(.success(outcome))
                } catch let e as CatalogError {
                    results.append(.failure(e))
                } catch {
                    results.append(.failure(.storage("\(error)")))
                }
            }
            return (results, queued)
        }
        if queued { scheduleCandidateSearch() }
        return results
    }

    public func instance(sopInstanceUID: String) async throws -> StoredInstance? {
        try await read { db in
            let sql = StoredInstanceRow.select + " WHERE i.sop_instance_uid = ?"
            let statement = try db.cachedStatement(sql: sql)
            return try Row.fetchOne(statement, arguments: [sopInstanceUID]).map(StoredInstanceRow.decode)
        }
    }

    public func instances(
        studyInstanceUID: String, seriesInstanceUID: String?, sopInstanceUID: String?
    ) async throws -> [StoredInstance] {
        try await read { db in
            var sql = StoredInstanceRow.select + " WHERE st.uid = ?"
            var arguments: StatementArguments = [studyInstanceUID]
            if let seriesInstanceUID {
                sql += " AND se.uid = ?"
                _ = arguments.append(contentsOf: [seriesInstanceUID])
            }
            if let sopInstanceUID {
                sql += " AND i.sop_instance_uid = ?"
                _ = arguments.append(contentsOf: [sopInstanceUID])
            }
            sql += StoredInstanceRow.order
            let statement = try db.cachedStatement(sql: sql)
            var out = [StoredInstance]()
            let cursor = try Row.fetchCursor(statement, arguments: arguments)
            while let row = try cursor.next() { out.append(try StoredInstanceRow.decode(row)) }
            return out
        }
    }

    public func search(_ query: CatalogQuery) async throws -> CatalogSearchResult {
        let plan = try SearchPlan(query)
        return try await read { db in try plan.run(db) }
    }

    public func referencedDigests() async throws -> Set<String> {
        try await read { db in
            // Two plain scans: a UNION would sort all digests in a temporary b-tree first (30 s
            // instead of 11 s for 10 M rows); the Set removes duplicates anyway.
            var out = Set<String>()
            for sql in ["SELECT digest FROM instance", "SELECT old_digest FROM instance_history"] {
                let cursor = try String.fetchCursor(db, sql: sql)
                while let d = try cursor.next() { out.insert(d) }
            }
            return out
        }
    }

    public func statistics() async throws -> CatalogStatistics {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM master_patient), (SELECT COUNT(*) FROM study),
                           (SELECT COUNT(*) FROM series), (SELECT COUNT(*) FROM instance),
                           (SELECT COALESCE(SUM(size), 0) FROM instance)
                    """)!
            return CatalogStatistics(
                masterPatients: row[0], studies: row[1], series: row[2], instances: row[3], totalBytes: row[4])
        }
    }

    // MARK: Beyond the protocol

    /// The journal mode SQLite reports ("wal" for a file catalog), for tests and /healthz.
    func journalMode() async throws -> String {
        try await read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The master patient a study is filed under (the catalog's patient level), if the study exists.
    public func masterPatientID(forStudy studyInstanceUID: String) async throws -> String? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT master_id FROM study WHERE uid = ?", arguments: [studyInstanceUID])
                .map(String.init)
        }
    }

    /// Identity conflicts recorded so far (trusted identifiers of one local identity that point
    /// at different master patients), oldest first — for the review queue.
    public func identityConflicts() async throws -> [IdentityConflict] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT l.patient_id, l.issuer, c.kept_master_id, c.other_master_id, c.issuer, c.value, c.study_uid
                    FROM identity_conflict c JOIN local_identity l ON l.id = c.local_identity_id
                    ORDER BY c.id
                    """
            ).map { row in
                IdentityConflict(
                    patientID: row[0], issuer: row[1], keptMasterPatientID: String(row[2] as Int64),
                    otherMasterPatientID: String(row[3] as Int64), identifierIssuer: row[4], identifierValue: row[5],
                    studyInstanceUID: row[6])
            }
        }
    }
}

/// Two trusted identifiers of one local identity lead to different master patients: the catalog
/// kept the existing master and did not merge.
public struct IdentityConflict: Sendable, Hashable, Codable {
    public var patientID: String
    public var issuer: String
    public var keptMasterPatientID: String
    public var otherMasterPatientID: String
    public var identifierIssuer: String
    public var identifierValue: String
    public var studyInstanceUID: String?
}
