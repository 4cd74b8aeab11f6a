import Foundation
import GRDB

/// The audited link operations, each run inside one write transaction. State of a link is the
/// local identity's master; its studies and the trusted identifiers it owns follow it, so moving
/// identities (and remembering which ones) is enough to reverse any operation exactly.
struct MPIOperations {
    let db: Database
    let policy: IdentityPolicy
    let action: OperatorAction

    var now: Double { action.at.timeIntervalSince1970 }

    func link(_ identifier: PatientIdentifier, to masterText: String) throws -> AuditEntry {
        let local = try MPIRows.requireLocalIdentity(identifier, db, policy)
        let target = try MPIRows.masterID(masterText)
        let current = try MPIRows.currentMaster(db, target)
        guard current == target else {
            throw MPIError.refused("master \(target) was merged into \(current): link to \(current)")
        }
        guard local.master != target else { throw MPIError.refused("the identity is already linked to master \(target)") }
        try MPIRows.requireCompatible(try trustedValues(ofLocal: local.id), try MPIRows.trustedValues(db, master: target))
        let previous: [String: Any] = [
            "rule": local.rule, "operator": local.operatorName as Any, "reason": local.reason as Any,
            "at": local.linkedAt as Any,
        ]
        try move(local.id, to: target, rule: "operator", operatorName: action.operatorName, reason: action.reason, at: now)
        return try audit("link", master: target, other: local.master, local: local.id, previous: previous)
    }

    func unlink(_ identifier: PatientIdentifier) throws -> AuditEntry {
        let local = try MPIRows.requireLocalIdentity(identifier, db, policy)
        let link = try Row.fetchOne(
            db, sql: """
                SELECT id, other_master_id, previous FROM mpi_audit
                WHERE local_identity_id = ? AND action = 'link' AND master_id = ? AND reversed_by IS NULL
                ORDER BY id DESC LIMIT 1
                """, arguments: [local.id, local.master])
        if let link {
            let linkID: Int64 = link[0]
            let from: Int64 = link[1]
            let restorable = try Int64.fetchOne(
                db, sql: "SELECT id FROM master_patient WHERE id = ? AND merged_into IS NULL", arguments: [from]) != nil
            if restorable {
                let previousText: String? = link[2]
                let previous = (previousText.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any]) ?? [:]
                try move(local.id, to: from, rule: previous["rule"] as? String ?? "new",
                         operatorName: previous["operator"] as? String, reason: previous["reason"] as? String,
                         at: previous["at"] as? Double)
                let entry = try audit("unlink", master: from, other: local.master, local: local.id, reverses: linkID)
                try db.execute(sql: "UPDATE mpi_audit SET reversed_by = ? WHERE id = ?", arguments: [entry.id, linkID])
                return entry
            }
        }
        let others = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM local_identity WHERE master_id = ? AND id != ?",
            arguments: [local.master, local.id]) ?? 0
        guard others > 0 else { throw MPIError.refused("the identity is the only one on its master: nothing to unlink") }
        // Shares trusted identifiers with the others? Then the ingest rule linked them: taking one
        // out on an operator's word is allowed, and pinned so the next instance does not relink it.
        try db.execute(sql: "INSERT INTO master_patient (created_at) VALUES (?)", arguments: [now])
        let fresh = db.lastInsertedRowID
        try move(local.id, to: fresh, rule: "operator", operatorName: action.operatorName, reason: action.reason, at: now)
        return try audit("unlink", master: fresh, other: local.master, local: local.id)
    }

    func merge(_ sourceText: String, into targetText: String) throws -> AuditEntry {
        let source = try MPIRows.masterID(sourceText)
        let target = try MPIRows.masterID(targetText)
        for id in [source, target] {
            let current = try MPIRows.currentMaster(db, id)
            guard current == id else { throw MPIError.refused("master \(id) was already merged into \(current)") }
        }
        guard source != target else { throw MPIError.refused("a master cannot be merged into itself") }
        try MPIRows.requireCompatible(try MPIRows.trustedValues(db, master: source), try MPIRows.trustedValues(db, master: target))
        let moved = try Int64.fetchAll(db, sql: "SELECT id FROM local_identity WHERE master_id = ? ORDER BY id", arguments: [source])
        try db.execute(sql: "UPDATE local_identity SET master_id = ? WHERE master_id = ?", arguments: [target, source])
        try db.execute(sql: "UPDATE study SET master_id = ? WHERE master_id = ?", arguments: [target, source])
        try db.execute(sql: "UPDATE trusted_identifier SET master_id = ? WHERE master_id = ?", arguments: [target, source])
        try db.execute(sql: "UPDATE master_patient SET merged_into = ? WHERE id = ?", arguments: [target, source])
        return try audit("merge", master: source, other: target, moved: moved)
    }

    func unmerge(_ sourceText: String) throws -> AuditEntry {
        let source = try MPIRows.masterID(sourceText)
        guard let target = try Row.fetchOne(
            db, sql: "SELECT merged_into FROM master_patient WHERE id = ?", arguments: [source]
        ).map({ $0[0] as Int64? }) else { throw MPIError.unknownMaster(sourceText) }
        guard let target else { throw MPIError.refused("master \(source) is not merged") }
        guard let merge = try Row.fetchOne(
            db, sql: """
                SELECT id, moved FROM mpi_audit WHERE action = 'merge' AND master_id = ? AND other_master_id = ?
                AND reversed_by IS NULL ORDER BY id DESC LIMIT 1
                """, arguments: [source, target])
        else { throw MPIError.refused("no merge of master \(source) to reverse") }
        let mergeID: Int64 = merge[0]
        let moved = Self.ids(merge[1])
        for id in moved {
            let now = try Int64.fetchOne(db, sql: "SELECT master_id FROM local_identity WHERE id = ?", arguments: [id])
            guard now == target else {
                throw MPIError.refused("an identity moved by the merge has since been relinked: unlink it first")
            }
        }
        let list = moved.map(String.init).joined(separator: ",")
        if !moved.isEmpty {
            try db.execute(sql: "UPDATE local_identity SET master_id = ? WHERE id IN (\(list))", arguments: [source])
            try db.execute(sql: "UPDATE study SET master_id = ? WHERE local_identity_id IN (\(list))", arguments: [source])
            try db.execute(
                sql: "UPDATE trusted_identifier SET master_id = ? WHERE local_identity_id IN (\(list))", arguments: [source])
        }
        try db.execute(sql: "UPDATE master_patient SET merged_into = NULL WHERE id = ?", arguments: [source])
        let entry = try audit("unmerge", master: source, other: target, moved: moved, reverses: mergeID)
        try db.execute(sql: "UPDATE mpi_audit SET reversed_by = ? WHERE id = ?", arguments: [entry.id, mergeID])
        return entry
    }

    func rejectCandidate(_ id: Int64) throws -> AuditEntry {
        try db.execute(sql: "UPDATE review_candidate SET status = 'rejected' WHERE id = ? AND status = 'open'", arguments: [id])
        guard db.changesCount == 1 else { throw MPIError.refused("no open review candidate \(id)") }
        return try audit("reject-candidate", master: nil, other: nil, local: nil, previous: ["candidate": id])
    }

    // MARK: Helpers

    private func trustedValues(ofLocal id: Int64) throws -> [(String, String)] {
        try Row.fetchAll(
            db, sql: """
                SELECT issuer, value FROM trusted_identifier WHERE local_identity_id = ?1
                UNION SELECT issuer, value FROM identity_identifier WHERE local_identity_id = ?1 AND status = 'trusted'
                """, arguments: [id]
        ).map { ($0[0], $0[1]) }
    }

    private func move(_ local: Int64, to master: Int64, rule: String, operatorName: String?, reason: String?, at: Double?) throws {
        try db.execute(
            sql: """
                UPDATE local_identity SET master_id = ?, link_rule = ?, link_operator = ?, link_reason = ?, linked_at = ?
                WHERE id = ?
                """, arguments: [master, rule, operatorName, reason, at, local])
        try db.execute(sql: "UPDATE study SET master_id = ? WHERE local_identity_id = ?", arguments: [master, local])
        try db.execute(sql: "UPDATE trusted_identifier SET master_id = ? WHERE local_identity_id = ?", arguments: [master, local])
    }

    static func ids(_ text: String?) -> [Int64] {
        (text ?? "").split(separator: ",").compactMap { Int64($0) }
    }

    private func audit(
        _ name: String, master: Int64?, other: Int64?, local: Int64? = nil, moved: [Int64]? = nil,
        previous: [String: Any]? = nil, reverses: Int64? = nil
    ) throws -> AuditEntry {
        let previousText = try previous.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT INTO mpi_audit (at, operator, action, reason, master_id, other_master_id, local_identity_id,
                                       moved, previous, reverses)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                now, action.operatorName, name, action.reason, master, other, local,
                moved.map { $0.map(String.init).joined(separator: ",") }, previousText, reverses,
            ])
        return try MPIOperations.entry(db, id: db.lastInsertedRowID)!
    }

    static let auditSelect = """
        SELECT a.id, a.action, a.operator, a.reason, a.at, a.master_id, a.other_master_id, l.issuer, l.patient_id,
               a.reverses, a.moved
        FROM mpi_audit a LEFT JOIN local_identity l ON l.id = a.local_identity_id
        """

    static func entry(_ db: Database, id: Int64) throws -> AuditEntry? {
        try Row.fetchOne(db, sql: auditSelect + " WHERE a.id = ?", arguments: [id]).map(decode)
    }

    static func decode(_ r: Row) -> AuditEntry {
        let issuer: String? = r[7]
        let pid: String? = r[8]
        let master: Int64? = r[5]
        let other: Int64? = r[6]
        let moved: String? = r[10]
        return AuditEntry(
            id: r[0], action: r[1], operatorName: r[2], reason: r[3], at: Date(timeIntervalSince1970: r[4]),
            masterID: master.map(String.init), otherMasterID: other.map(String.init),
            localIdentity: issuer.flatMap { i in pid.map { PatientIdentifier(authority: i, value: $0) } },
            reverses: r[9], movedIdentities: moved.map { ids($0).count } ?? (issuer == nil ? 0 : 1))
    }
}
