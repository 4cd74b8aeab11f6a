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
///   identity itself when its issuer is trusted — each validated for its type (the resident ID's
///   check character); an invalid value is recorded (`identity_identifier`, status "invalid")
///   and links nothing.
/// - One identity, one value per trusted authority: a second, different value (in the same
///   instance or later) is "conflicting": recorded as a conflict, never used to link.
/// - One master among the trusted identifiers → that master. If the local identity already has
///   another master that owns no trusted identifier and was not placed there by an operator, the
///   identity and its studies move over and the empty master is removed; otherwise nothing
///   merges and a conflict is recorded.
/// - Trusted identifiers pointing at several masters → no merge: keep the local identity's master
///   (or a new one) and record a conflict row per disagreeing identifier.
/// - Demographics never link: a new identity only gets review candidates (`CandidateFinder`),
///   searched after the commit from a queue row written here (`CandidateSearchQueue`).
struct IdentityResolver {
    let db: Database
    let now: Double

    struct Resolution {
        var masterID: Int64
        var localIdentityID: Int64
        var issuer: String
        /// A review-candidate search was queued for a new local identity.
        var queuedCandidateSearch = false
    }

    typealias Identifier = (issuer: String, value: String)

    /// Everything `resolve` reads from an instance: two instances with equal inputs resolve
    /// alike as long as nothing else changed their local identity in between.
    struct Input: Hashable {
        var patientID: String?
        var issuer: String?
        var source: String
        var others: [String]
        var name: String?
        var birthDate: String?
        var sex: String?
        /// Only for an empty PatientID (its identity is per study).
        var study: String?

        init(_ a: IndexedAttributes, source: String) {
            patientID = a.patientID
            issuer = a.issuerOfPatientID
            self.source = source
            others = a.otherPatientIDs.map { ($0.issuer ?? "") + "|" + $0.value }
            name = a.patientName
            birthDate = a.patientBirthDate
            sex = a.patientSex
            study = (a.patientID ?? "").isEmpty ? a.studyInstanceUID : nil
        }
    }

    /// Resolutions already made in one registering transaction (a batch), so the other
    /// instances of a study skip the identity queries and updates altogether. A local identity's
    /// master only changes when an instance of that same identity is resolved (or an operator
    /// acts, never inside a batch), so an entry stays right until another input of its identity
    /// is resolved; that replaces it. Only committed resolutions are remembered.
    struct BatchCache {
        private var byInput: [Input: Resolution] = [:]
        private var inputOf: [Int64: Input] = [:]

        func resolution(for input: Input) -> Resolution? { byInput[input] }

        mutating func remember(_ r: Resolution, for input: Input) {
            if let previous = inputOf[r.localIdentityID], previous != input { byInput[previous] = nil }
            var r = r
            r.queuedCandidateSearch = false
            byInput[input] = r
            inputOf[r.localIdentityID] = input
        }
    }

    static let noPatientIDIssuerPrefix = "urn:yingyun:no-patient-id:"

    func resolve(_ a: IndexedAttributes, source: String, policy: IdentityPolicy) throws -> Resolution {
        let patientID = a.patientID ?? ""
        var issuer = a.issuerOfPatientID ?? policy.defaultIssuerBySource[source]
            ?? (IdentityPolicy.unknownIssuer + ":" + source)
        if patientID.isEmpty { issuer = IdentityResolver.noPatientIDIssuerPrefix + a.studyInstanceUID }

        // Validate what claims to be trusted.
        var trusted: [Identifier] = []
        var invalid: [(issuer: String, value: String, reason: String)] = []
        func consider(_ i: String, _ v: String) {
            guard policy.linking, let type = policy.type(ofTrusted: i) else { return }
            switch type.validate(v) {
            case .success(let canonical):
                if !trusted.contains(where: { $0.issuer == i && $0.value == canonical }) { trusted.append((i, canonical)) }
            case .failure(let problem):
                invalid.append((i, v, problem.description))
            }
        }
        if !patientID.isEmpty { consider(issuer, patientID) }
        for other in a.otherPatientIDs { if let i = other.issuer { consider(i, other.value) } }

        let local = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id, master_id, link_rule, name, birth_date, sex FROM local_identity
                    WHERE patient_id = ? AND issuer = ?
                    """),
            arguments: [patientID, issuer]
        ).map {
            (id: $0[0] as Int64, master: $0[1] as Int64, rule: $0[2] as String, name: $0[3] as String?,
             birthDate: $0[4] as String?, sex: $0[5] as String?)
        }

        // One value per authority per identity.
        var known: [String: String] = [:]
        if let local, !trusted.isEmpty {
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT issuer, value FROM identity_identifier WHERE local_identity_id = ? AND status = 'trusted'"),
                arguments: [local.id])
            for r in rows { known[r[0]] = r[1] }
        }
        var accepted: [Identifier] = []
        var conflictingValues: [Identifier] = []
        // Seen before, all of it, and not pinned by an operator: it was resolved then (linked or a
        // conflict recorded); later instances of a study cost one query, not the whole rule set.
        if let local, local.rule != "operator", !trusted.isEmpty, invalid.isEmpty,
           trusted.allSatisfy({ known[$0.issuer] == $0.value })
        {
            trusted = []
        }
        for t in trusted {
            let sameAuthority = trusted.filter { $0.issuer == t.issuer }
            if let k = known[t.issuer] {
                if t.value == k { accepted.append(t) } else { conflictingValues.append(t) }
            } else if sameAuthority.count == 1 {
                accepted.append(t)
            } else {
                conflictingValues.append(t)
            }
        }

        var mapped: [(issuer: String, value: String, master: Int64?)] = []
        let lookup = try db.cachedStatement(sql: "SELECT master_id FROM trusted_identifier WHERE issuer = ? AND value = ?")
        for t in accepted {
            mapped.append((t.issuer, t.value, try Int64.fetchOne(lookup, arguments: [t.issuer, t.value])))
        }
        var trustedMasters: [Int64] = []
        for m in mapped { if let id = m.master, !trustedMasters.contains(id) { trustedMasters.append(id) } }

        var master: Int64
        var conflicting = false
        var linkedByRule = false
        switch (trustedMasters.count, local) {
        case (0, let l?):
            master = l.master
        case (0, nil):
            master = try newMaster()
        case (1, nil):
            master = trustedMasters[0]
            linkedByRule = true
        case (1, let l?):
            master = l.master
            if l.master != trustedMasters[0] {
                let pinned = l.rule == "operator"
                if try pinned || ownsTrustedIdentifier(l.master) {
                    conflicting = true
                } else {
                    master = trustedMasters[0]
                    try relink(localIdentity: l.id, from: l.master, to: master, issuer: accepted[0].issuer)
                }
            }
        default:
            conflicting = true
            master = try local?.master ?? newMaster()
        }

        let localID: Int64
        let isNew = local == nil
        let n = isNew ? Demographics(name: a.patientName).normalisedName : NormalisedName()
        if let local {
            localID = local.id
            // Only a changed value is written: the birth date is in three indexes.
            if (a.patientBirthDate != nil && a.patientBirthDate != local.birthDate)
                || (a.patientSex != nil && a.patientSex != local.sex)
            {
                try db.cachedStatement(
                    sql: """
                        UPDATE local_identity SET birth_date = COALESCE(?, birth_date), sex = COALESCE(?, sex) WHERE id = ?
                        """
                ).execute(arguments: [a.patientBirthDate, a.patientSex, local.id])
            }
            if let name = a.patientName, name != local.name {
                let n = Demographics(name: name).normalisedName
                try db.cachedStatement(
                    sql: """
                        UPDATE local_identity SET name = ?, name_alphabetic = ?, name_ideographic = ?, name_phonetic = ?
                        WHERE id = ?
                        """
                ).execute(arguments: [name, n.alphabetic, n.ideographic, n.phonetic, local.id])
            }
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO local_identity
                        (patient_id, issuer, master_id, name, birth_date, sex, link_rule, link_reason, linked_at,
                         name_alphabetic, name_ideographic, name_phonetic)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                patientID, issuer, master, a.patientName, a.patientBirthDate, a.patientSex,
                linkedByRule ? "trusted-identifier" : "new",
                linkedByRule ? "same \(accepted[0].issuer) identifier" : nil, now, n.alphabetic, n.ideographic, n.phonetic,
            ])
            localID = db.lastInsertedRowID
        }

        let insertTrusted = try db.cachedStatement(
            sql: "INSERT INTO trusted_identifier (issuer, value, master_id, local_identity_id) VALUES (?, ?, ?, ?)")
        for m in mapped where m.master == nil {
            try insertTrusted.execute(arguments: [m.issuer, m.value, master, localID])
        }
        if !accepted.isEmpty || !conflictingValues.isEmpty || !invalid.isEmpty {
            let record = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO identity_identifier (local_identity_id, issuer, value, status, reason, first_seen)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            for t in accepted { try record.execute(arguments: [localID, t.issuer, t.value, "trusted", nil, now]) }
            for t in conflictingValues {
                try record.execute(arguments: [
                    localID, t.issuer, t.value, "conflicting", "another \(t.issuer) value is already trusted for this identity", now,
                ])
            }
            for t in invalid { try record.execute(arguments: [localID, t.issuer, t.value, "invalid", t.reason, now]) }
        }

        if conflicting || !conflictingValues.isEmpty {
            let record = try db.cachedStatement(
                sql: """
                    INSERT INTO identity_conflict
                        (local_identity_id, kept_master_id, other_master_id, issuer, value, study_uid, detected_at, kind)
                    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE NOT EXISTS (
                        SELECT 1 FROM identity_conflict WHERE local_identity_id = ?1 AND issuer = ?4 AND value = ?5)
                    """)
            if conflicting {
                for m in mapped {
                    guard let other = m.master, other != master else { continue }
                    try record.execute(arguments: [localID, master, other, m.issuer, m.value, a.studyInstanceUID, now, "masters"])
                }
            }
            for t in conflictingValues {
                let other = try Int64.fetchOne(lookup, arguments: [t.issuer, t.value]) ?? master
                try record.execute(arguments: [localID, master, other, t.issuer, t.value, a.studyInstanceUID, now, "values"])
            }
        }
        // Review candidates are searched after the commit (`CandidateSearchQueue`): only a
        // queue row here, committed with the identity.
        let queued = isNew && policy.linking && a.patientBirthDate?.isEmpty == false && a.patientName != nil
        if queued { try CandidateSearchQueue.enqueue(db, localIdentity: localID, now: now) }
        return Resolution(masterID: master, localIdentityID: localID, issuer: issuer, queuedCandidateSearch: queued)
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
    private func relink(localIdentity: Int64, from old: Int64, to new: Int64, issuer: String) throws {
        try db.execute(
            sql: """
                UPDATE local_identity SET master_id = ?, link_rule = 'trusted-identifier', link_reason = ?,
                       linked_at = ?, link_operator = NULL WHERE id = ?
                """, arguments: [new, "same \(issuer) identifier", now, localIdentity])
        try db.execute(sql: "UPDATE study SET master_id = ? WHERE local_identity_id = ?", arguments: [new, localIdentity])
        try db.execute(
            sql: """
                DELETE FROM master_patient WHERE id = ?1
                AND NOT EXISTS (SELECT 1 FROM local_identity WHERE master_id = ?1)
                AND NOT EXISTS (SELECT 1 FROM study WHERE master_id = ?1)
                AND NOT EXISTS (SELECT 1 FROM identity_conflict WHERE kept_master_id = ?1)
                AND NOT EXISTS (SELECT 1 FROM master_patient WHERE merged_into = ?1)
                AND NOT EXISTS (SELECT 1 FROM mpi_audit WHERE master_id = ?1 OR other_master_id = ?1)
                """, arguments: [old])
    }
}
