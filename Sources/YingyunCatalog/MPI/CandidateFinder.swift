import Foundation
import GRDB

/// Suggests review candidates for a newly seen local identity: identities on other masters with
/// the same birth date (the blocking key, indexed) and a common folded name group, whose
/// demographics score at or above
/// `DemographicMatcher.threshold`. Runs after ingest, from `CandidateSearchQueue`; never links.
struct CandidateFinder {
    let db: Database
    let now: Double
    /// Bound on the identities compared per new identity (a birth date shared by thousands).
    static let blockLimit = 500

    func suggest(for localID: Int64, master: Int64, _ demographics: Demographics, normalised: NormalisedName) throws {
        guard let birthDate = demographics.birthDate, !birthDate.isEmpty, demographics.name != nil else { return }
        // Only identities sharing a folded name group can reach the threshold (a birth date alone
        // scores 0.3, sex 0.1): SQLite filters the birth-date block by them before any scoring.
        let n = normalised
        let latin = Array(n.latin)
        // One indexed probe per name group (birth_date, name_*): only rows that can match are read.
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, name, sex FROM local_identity
                        WHERE birth_date = ?1 AND name_ideographic = ?3 AND master_id != ?2
                    UNION SELECT id, name, sex FROM local_identity
                        WHERE birth_date = ?1 AND name_alphabetic IN (?4, ?5) AND master_id != ?2
                    UNION SELECT id, name, sex FROM local_identity
                        WHERE birth_date = ?1 AND name_phonetic IN (?4, ?5) AND master_id != ?2
                    LIMIT \(Self.blockLimit)
                    """),
            arguments: [birthDate, master, n.ideographic, latin.first, latin.count > 1 ? latin[1] : latin.first])
        if rows.isEmpty { return }
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO review_candidate (local_identity_a, local_identity_b, score, reasons, created_at)
                VALUES (?, ?, ?, ?, ?)
                """)
        for row in rows {
            let other: Int64 = row[0]
            let match = DemographicMatcher.compare(
                demographics, Demographics(name: row[1], birthDate: birthDate, sex: row[2]), normalisedFirst: n)
            guard match.score >= DemographicMatcher.threshold else { continue }
            var reasons = match.reasons
            if try differentTrustedIdentifiers(localID, other) { reasons.append("different-trusted-identifiers") }
            try insert.execute(arguments: [
                min(localID, other), max(localID, other), match.score, reasons.joined(separator: ","), now,
            ])
        }
    }

    private func differentTrustedIdentifiers(_ a: Int64, _ b: Int64) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM identity_identifier x JOIN identity_identifier y
                        ON y.issuer = x.issuer AND y.value != x.value
                        WHERE x.local_identity_id = ? AND y.local_identity_id = ?
                          AND x.status = 'trusted' AND y.status = 'trusted')
                    """),
            arguments: [a, b]) ?? false
    }
}
