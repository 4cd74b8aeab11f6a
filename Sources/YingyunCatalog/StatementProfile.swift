import Foundation
import GRDB

/// Time spent per SQL statement on the writer connection (SQLite's profile trace), for
/// benchmarks: which statement of the ingest path costs what. Not used by the server.
public final class StatementProfile: @unchecked Sendable {
    public struct Entry: Sendable {
        public var sql: String
        public var count: Int
        public var seconds: Double
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    func record(_ sql: String, _ seconds: Double) {
        lock.withLock {
            entries[sql, default: Entry(sql: sql, count: 0, seconds: 0)].count += 1
            entries[sql, default: Entry(sql: sql, count: 0, seconds: 0)].seconds += seconds
        }
    }

    /// Entries by total time, largest first.
    public var sorted: [Entry] { lock.withLock { entries.values.sorted { $0.seconds > $1.seconds } } }

    public func reset() { lock.withLock { entries = [:] } }
}

extension SQLiteCatalog {
    /// Starts profiling every statement the writer connection runs from now on.
    public func profileStatements() async throws -> StatementProfile {
        let profile = StatementProfile()
        try await write { db in
            db.trace(options: .profile) { event in
                if case .profile(let statement, let duration) = event { profile.record(statement.sql, duration) }
            }
        }
        return profile
    }
}
