import Foundation
import GRDB

/// Local identity → master patient, inside the registering transaction (ARCHITECTURE: Patient
/// identity). Rules, in order:
/// - A local identity is (PatientID, issuer); issuer from the data set, else the sending source's
///   default, else `IdentityPolicy.unknownIssuer` qualified by the source ("…:AE:CT01"): the same
///   bare PatientID from two hospitals is two people until a trusted identifier says otherwise.
/// - An empty PatientID gets a local identity of its own per study (issuer
///   `urn:yingyun:no-patient-id:<StudyInstanceUID>`): instances without an ID are never filed
///   under someone else, and the study still has one patient.
/// - Trusted identifiers: OtherPatientIDsSequence items with a trusted issuer, and the local
///   identity itself when its issuer is trusted.
/// - One master among the trusted identifiers → that master. If the local identity already has
///   another master that owns no trusted identifier (it was only this identity), the identity and
///   its studies move over and the empty master is removed; otherwise nothing merges and a
///   conflict is recorded.
/// - Trusted identifiers pointing at several masters → no merge: keep the local identity's master
///   (or a new one) and record a conflict row per disagreeing identifier.
/// - Demographics never link.
struct IdentityResolver {
    let db: Database
    let now: Double

    struct Resolution {
        var masterID: Int64
        var localIdentityID: Int64
        var issuer: String
    }

    static let noPatientIDIssuerPrefix = "urn:yingyun:no-patient-id:"

    func resolve(_ a: IndexedAttributes, source: String, policy: IdentityPolicy) throws -> Resolution {
        let patientID = a.patientID ?? ""
        var issuer = a.issuerOfPatientID ?? policy.defaultIssuerBySource[source]
            ?? (IdentityPolicy.unknownIssuer + ":" + source)
        if patientID.isEmpty { issuer = IdentityResolver.noPatientIDIssuerPrefix + a.studyInstanceUID }

        var trusted: [(issuer: String, value: String)] = []
        func addTrusted(_ i: String, _ v: String) {
            if policy.trustedIssuers.contains(i), !trusted.contains(where: { $0.issuer == i && $0.value == v }) {
                trusted.append((i, v))
            }
        }
        if !patientID.isEmpty { addTrusted(issuer, patientID) }
        for other in a.otherPatientIDs { if let i = other.issuer { addTrusted(i, other.value) } }

        let local = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, master_id FROM local_identity WHERE patient_id = ? AND issuer = ?"),
            arguments: [patientID, issuer]
        ).map { (id: $0[0] as Int64, master: $0[1] as Int64) }

        var mapped: [(issuer: String, value: String, master: Int64?)] = []
        let lookup = try db.cachedStatement(sql: "SELECT master_id FROM trusted_identifier WHERE issuer = ? AND value = ?")
        for t in trusted {
            mapped.append((t.issuer, t.value, try Int64.fetchOne(lookup, arguments: [t.issuer, t.value])))
        }
        var trustedMasters: [Int64] = []
        for m in mapped { if let id = m.master, !trustedMasters.contains(id) { trustedMasters.append(id) } }

        var master: Int64
        var conflicting = false
        switch (trustedMasters.count, local) {
        case (0, let l?):
            master = l.master
        case (0, nil):
            master = try newMaster()
        case (1, nil):
            master = trustedMasters[0]
        case (1, let l?):
            master = l.master
            if l.master != trustedMasters[0] {
                if try ownsTrustedIdentifier(l.master) {
                    conflicting = true
                } else {
                    master = trustedMasters[0]
                    try relink(localIdentity: l.id, from: l.master, to: master)
                }
            }
        default:
            conflicting = true
            master = try local?.master ?? newMaster()
        }

        let localID: Int64
        if let local {
            localID = local.id
            try db.cachedStatement(
                sql: """
                    UPDATE local_identity SET name = COALESCE(?, name), birth_date = COALESCE(?, birth_date),
                           sex = COALESCE(?, sex) WHERE id = ?
                    """
            ).execute(arguments: [a.patientName, a.patientBirthDate, a.patientSex, local.id])
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO local_identity (patient_id, issuer, master_id, name, birth_date, sex)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [patientID, issuer, master, a.patientName, a.patientBirthDate, a.patientSex])
            localID = db.lastInsertedRowID
        }

        let insertTrusted = try db.cachedStatement(
            sql: "INSERT INTO trusted_identifier (issuer, value, master_id, local_identity_id) VALUES (?, ?, ?, ?)")
        for m in mapped where m.master == nil {
            try insertTrusted.execute(arguments: [m.issuer, m.value, master, localID])
        }
        if conflicting {
            let record = try db.cachedStatement(
                sql: """
                    INSERT INTO identity_conflict
                        (local_identity_id, kept_master_id, other_master_id, issuer, value, study_uid, detected_at)
                    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS (
                        SELECT 1 FROM identity_conflict WHERE local_identity_id = ?1 AND other_master_id = ?3
                        AND issuer = ?4 AND value = ?5)
                    """)
            for m in mapped {
                guard let other = m.master, other != master else { continue }
                try record.execute(arguments: [localID, master, other, m.issuer, m.value, a.studyInstanceUID, now])
            }
        }
        return Resolution(masterID: master, localIdentityID: localID, issuer: issuer)
    }

    private func newMaster() throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO master_patient (created_at) VALUES (?)").execute(arguments: [now])
        return db.lastInsertedRowID
    }

    private func ownsTrustedIdentifier(_ master: Int64) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM trusted_identifier WHERE master_id = ?)"),
            arguments: [master]) ?? false
    }

    /// Moves a local identity (and its studies) to the master its new trusted identifier names;
    /// removes the old master when nothing refers to it any more.
    private func relink(localIdentity: Int64, from old: Int64, to new: Int64) throws {
        try db.execute(sql: "UPDATE local_identity SET master_id = ? WHERE id = ?", arguments: [new, localIdentity])
        try db.execute(sql: "UPDATE study SET master_id = ? WHERE local_identity_id = ?", arguments: [new, localIdentity])
        try db.execute(
            sql: """
                DELETE FROM master_patient WHERE id = ?1
                AND NOT EXISTS (SELECT 1 FROM local_identity WHERE master_id = ?1)
                AND NOT EXISTS (SELECT 1 FROM study WHERE master_id = ?1)
                AND NOT EXISTS (SELECT 1 FROM identity_conflict WHERE kept_master_id = ?1)
                """, arguments: [old])
    }
}
