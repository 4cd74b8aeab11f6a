import Foundation
import GRDB

extension SQLiteCatalog: PatientIndex {
    public func masterPatient(identifiedBy identifier: PatientIdentifier) async throws -> MasterPatient {
        let policy = self.policy
        return try await read { db in
            let m = try MPIRows.master(of: identifier, db, policy)
            return try MPIRows.load(db, master: m, asked: m)
        }
    }

    public func masterPatient(id: String) async throws -> MasterPatient {
        let asked = try MPIRows.masterID(id)
        return try await read { db in
            try MPIRows.load(db, master: try MPIRows.currentMaster(db, asked), asked: asked)
        }
    }

    /// Most masters one search returns.
    public static let maximumSearchLimit = 100

    public func searchMasterPatients(_ query: DemographicQuery) async throws -> [MasterPatient] {
        guard query.name?.isEmpty == false || query.birthDate?.isEmpty == false else {
            throw MPIError.invalidRequest("a demographic search needs a name or a birth date")
        }
        if let d = query.birthDate, d.utf8.count != 8 || !d.utf8.allSatisfy({ (48...57).contains($0) }) {
            throw MPIError.invalidRequest("birthdate is YYYYMMDD")
        }
        guard (1...Self.maximumSearchLimit).contains(query.limit) else {
            throw MPIError.invalidRequest("limit is 1 to \(Self.maximumSearchLimit)")
        }
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        if let d = query.birthDate, !d.isEmpty {
            conditions.append("l.birth_date = ?")
            arguments.append(d.databaseValue)
        }
        if let s = query.sex, !s.isEmpty {
            conditions.append("l.sex = ?")
            arguments.append(s.uppercased().databaseValue)
        }
        if let n = query.name, !n.isEmpty {
            // The study's upper-cased name groups are indexed (GLOB with a literal prefix uses them).
            var name = n
            let prefix = name.hasSuffix("*")
            if prefix { name.removeLast() }
            let folded = (PersonNameKey.fold(name) ?? "").replacingOccurrences(of: "*", with: "[*]")
                .replacingOccurrences(of: "?", with: "[?]").replacingOccurrences(of: "[", with: "[[]")
            let pattern = folded + (prefix ? "*" : "")
            conditions.append("""
                l.id IN (SELECT local_identity_id FROM study WHERE patient_name_a GLOB ?1x OR patient_name_i GLOB ?1x
                         OR patient_name_p GLOB ?1x)
                """.replacingOccurrences(of: "?1x", with: "?"))
            arguments.append(contentsOf: Array(repeating: pattern.databaseValue, count: 3))
        }
        let sql = "SELECT DISTINCT l.master_id FROM local_identity l WHERE " + conditions.joined(separator: " AND ")
            + " ORDER BY l.master_id LIMIT \(query.limit)"
        let args = arguments
        return try await read { db in
            try Int64.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map {
                try MPIRows.load(db, master: $0, asked: $0)
            }
        }
    }

    public func reviewQueue(limit: Int) async throws -> ReviewQueue {
        let limit = max(1, min(limit, 1000))
        // Candidate searches queued by ingest are scored first: the answer is as if they had
        // run at ingest.
        try await scoreQueuedCandidateSearches()
        let conflicts = try await identityConflicts()
        return try await read { db in
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT c.id, c.score, c.reasons, a.patient_id, a.issuer, a.master_id, a.name, a.birth_date, a.sex,
                           b.patient_id, b.issuer, b.master_id, b.name, b.birth_date, b.sex
                    FROM review_candidate c JOIN local_identity a ON a.id = c.local_identity_a
                         JOIN local_identity b ON b.id = c.local_identity_b
                    WHERE c.status = 'open' AND a.master_id != b.master_id
                    ORDER BY c.score DESC, c.id LIMIT ?
                    """, arguments: [limit])
            let candidates = rows.map { r in
                ReviewCandidate(
                    id: r[0], score: r[1], reasons: (r[2] as String).split(separator: ",").map(String.init),
                    first: LinkedIdentifier(
                        identifier: PatientIdentifier(authority: r[4], value: r[3]), kind: "local", provenance: nil,
                        demographics: Demographics(name: r[6], birthDate: r[7], sex: r[8])),
                    firstMasterID: String(r[5] as Int64),
                    second: LinkedIdentifier(
                        identifier: PatientIdentifier(authority: r[10], value: r[9]), kind: "local", provenance: nil,
                        demographics: Demographics(name: r[12], birthDate: r[13], sex: r[14])),
                    secondMasterID: String(r[11] as Int64))
            }
            let issues = try Row.fetchAll(
                db, sql: """
                    SELECT l.issuer, l.patient_id, ii.issuer, ii.value, ii.status, ii.reason
                    FROM identity_identifier ii JOIN local_identity l ON l.id = ii.local_identity_id
                    WHERE ii.status IN ('invalid', 'conflicting') ORDER BY ii.id LIMIT ?
                    """, arguments: [limit]
            ).map { r in
                IdentifierIssue(
                    localIdentity: PatientIdentifier(authority: r[0], value: r[1]),
                    identifier: PatientIdentifier(authority: r[2], value: r[3]), status: r[4], reason: r[5])
            }
            return ReviewQueue(candidates: candidates, conflicts: conflicts, identifierIssues: issues)
        }
    }

    public func link(_ local: PatientIdentifier, to masterID: String, by action: OperatorAction) async throws -> AuditEntry {
        let action = try action.validated()
        let policy = self.policy
        return try await write { db in try MPIOperations(db: db, policy: policy, action: action).link(local, to: masterID) }
    }

    public func unlink(_ local: PatientIdentifier, by action: OperatorAction) async throws -> AuditEntry {
        let action = try action.validated()
        let policy = self.policy
        return try await write { db in try MPIOperations(db: db, policy: policy, action: action).unlink(local) }
    }

    public func merge(_ sourceID: String, into targetID: String, by action: OperatorAction) async throws -> AuditEntry {
        let action = try action.validated()
        let policy = self.policy
        return try await write { db in
            try MPIOperations(db: db, policy: policy, action: action).merge(sourceID, into: targetID)
        }
    }

    public func unmerge(_ sourceID: String, by action: OperatorAction) async throws -> AuditEntry {
        let action = try action.validated()
        let policy = self.policy
        return try await write { db in try MPIOperations(db: db, policy: policy, action: action).unmerge(sourceID) }
    }

    public func rejectCandidate(_ candidateID: Int64, by action: OperatorAction) async throws -> AuditEntry {
        let action = try action.validated()
        let policy = self.policy
        return try await write { db in
            try MPIOperations(db: db, policy: policy, action: action).rejectCandidate(candidateID)
        }
    }

    public func auditTrail(limit: Int) async throws -> [AuditEntry] {
        let limit = max(1, min(limit, 1000))
        return try await read { db in
            try Row.fetchAll(db, sql: MPIOperations.auditSelect + " ORDER BY a.id DESC LIMIT ?", arguments: [limit])
                .map(MPIOperations.decode)
        }
    }

    public func priorStudies(_ query: PriorStudyQuery, windows: RecognitionWindows) async throws -> PriorStudies {
        let policy = self.policy
        let plan = try PriorStudyPlan(query)
        return try await read { db in
            let master: Int64
            if let id = query.masterPatientID {
                master = try MPIRows.currentMaster(db, try MPIRows.masterID(id))
            } else if let identifier = query.identifier {
                master = try MPIRows.master(of: identifier, db, policy)
            } else {
                throw MPIError.invalidRequest("name a master patient or an identifier")
            }
            return PriorStudies(masterPatientID: String(master), studies: try plan.run(db, master: master, windows: windows))
        }
    }
}
