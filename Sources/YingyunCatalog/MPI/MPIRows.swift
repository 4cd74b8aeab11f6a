import Foundation
import GRDB

/// Reads shared by the patient-index operations, all inside one database access.
enum MPIRows {
    /// A master id as the API spells it (decimal rowid), or `unknownMaster`.
    static func masterID(_ text: String) throws(MPIError) -> Int64 {
        guard let id = Int64(text), id > 0 else { throw .unknownMaster(text) }
        return id
    }

    /// (the id asked for, the current master it was merged into or itself).
    static func currentMaster(_ db: Database, _ id: Int64) throws -> Int64 {
        var current = id
        for _ in 0..<32 {
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT merged_into FROM master_patient WHERE id = ?"), arguments: [current])
            else { throw MPIError.unknownMaster(String(id)) }
            guard let next: Int64 = row[0] else { return current }
            current = next
        }
        throw MPIError.refused("master \(id) has a merge chain longer than 32")
    }

    /// Whether the authority is configured or appears in received data.
    static func isKnownAuthority(_ db: Database, _ authority: String, _ policy: IdentityPolicy) throws -> Bool {
        if policy.trustedIssuers.contains(authority) { return true }
        return try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM local_identity WHERE issuer = ?)"),
            arguments: [authority]) ?? false
    }

    /// The identifier's value as stored: trusted types are validated and canonicalised.
    static func canonical(_ identifier: PatientIdentifier, _ policy: IdentityPolicy) throws(MPIError) -> PatientIdentifier {
        guard let type = policy.type(ofTrusted: identifier.authority) else { return identifier }
        switch type.validate(identifier.value) {
        case .success(let v): return PatientIdentifier(authority: identifier.authority, value: v)
        case .failure(let p): throw .invalidIdentifier(identifier, p)
        }
    }

    /// The current master of an identifier: a trusted identifier, else a local identity.
    static func master(of identifier: PatientIdentifier, _ db: Database, _ policy: IdentityPolicy) throws -> Int64 {
        let id = try canonical(identifier, policy)
        if policy.trustedIssuers.contains(id.authority), let m = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT master_id FROM trusted_identifier WHERE issuer = ? AND value = ?"),
            arguments: [id.authority, id.value])
        {
            return m
        }
        if let local = try localIdentity(id, db) { return local.master }
        guard try isKnownAuthority(db, id.authority, policy) else { throw MPIError.unknownAuthority(id.authority) }
        throw MPIError.unknownIdentifier(id)
    }

    struct Local {
        var id: Int64
        var master: Int64
        var rule: String
        var operatorName: String?
        var reason: String?
        var linkedAt: Double?
    }

    static func localIdentity(_ id: PatientIdentifier, _ db: Database) throws -> Local? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id, master_id, link_rule, link_operator, link_reason, linked_at
                    FROM local_identity WHERE patient_id = ? AND issuer = ?
                    """),
            arguments: [id.value, id.authority]
        ).map { Local(id: $0[0], master: $0[1], rule: $0[2], operatorName: $0[3], reason: $0[4], linkedAt: $0[5]) }
    }

    /// The local identity an operation names, or why there is none.
    static func requireLocalIdentity(_ id: PatientIdentifier, _ db: Database, _ policy: IdentityPolicy) throws -> Local {
        if let l = try localIdentity(id, db) { return l }
        if policy.trustedIssuers.contains(id.authority) {
            _ = try canonical(id, policy)
            throw MPIError.invalidRequest(
                "\(id.authority) is a trusted identifier, not a hospital's local identity: name the local identity (PatientID)")
        }
        guard try isKnownAuthority(db, id.authority, policy) else { throw MPIError.unknownAuthority(id.authority) }
        throw MPIError.unknownIdentifier(id)
    }

    /// The master with its identifiers (local identities with provenance and demographics, then
    /// trusted identifiers).
    static func load(_ db: Database, master: Int64, asked: Int64) throws -> MasterPatient {
        var identifiers: [LinkedIdentifier] = []
        let locals = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT patient_id, issuer, link_rule, link_operator, link_reason, linked_at, name, birth_date, sex
                    FROM local_identity WHERE master_id = ? ORDER BY id
                    """), arguments: [master])
        for r in locals {
            let at: Double? = r[5]
            identifiers.append(LinkedIdentifier(
                identifier: PatientIdentifier(authority: r[1], value: r[0]), kind: "local",
                provenance: LinkProvenance(rule: r[2], operatorName: r[3], reason: r[4],
                                           at: at.map { Date(timeIntervalSince1970: $0) }),
                demographics: Demographics(name: r[6], birthDate: r[7], sex: r[8])))
        }
        let trusted = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT issuer, value FROM trusted_identifier WHERE master_id = ?1
                    UNION SELECT ii.issuer, ii.value FROM identity_identifier ii
                        JOIN local_identity l ON l.id = ii.local_identity_id
                        WHERE l.master_id = ?1 AND ii.status = 'trusted'
                    ORDER BY 1, 2
                    """), arguments: [master])
        for r in trusted {
            let id = PatientIdentifier(authority: r[0], value: r[1])
            // A trusted issuer used as PatientID is already listed as a local identity.
            if identifiers.contains(where: { $0.identifier == id }) { continue }
            identifiers.append(LinkedIdentifier(identifier: id, kind: "trusted", provenance: nil, demographics: nil))
        }
        return MasterPatient(id: String(master), mergedFrom: asked == master ? nil : String(asked), identifiers: identifiers)
    }

    /// Trusted identifiers held on a master (owned or presented by its local identities).
    static func trustedValues(_ db: Database, master: Int64) throws -> [(String, String)] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT issuer, value FROM trusted_identifier WHERE master_id = ?1
                    UNION SELECT ii.issuer, ii.value FROM identity_identifier ii
                        JOIN local_identity l ON l.id = ii.local_identity_id
                        WHERE l.master_id = ?1 AND ii.status = 'trusted'
                    """), arguments: [master]
        ).map { ($0[0], $0[1]) }
    }

    /// Refuses joining two sets of trusted identifiers that give one authority two values: two
    /// national IDs on one master is two people.
    static func requireCompatible(_ a: [(String, String)], _ b: [(String, String)]) throws(MPIError) {
        for (i, v) in a {
            if b.contains(where: { $0.0 == i && $0.1 != v }) {
                throw .refused("the two sides hold different \(i) identifiers: they are different people")
            }
        }
    }
}
