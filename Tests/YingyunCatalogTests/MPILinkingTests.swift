import Foundation
import Testing
import YingyunCatalog
import YingyunDICOM

/// Linking rules at ingest beyond the catalog's first ones: validation of trusted identifiers,
/// one value per authority, review candidates, provenance.
@Suite struct MPILinkingTests {
    let policy = IdentityPolicy(
        trustedIssuers: ["NNCHN", "EHC"], identifierTypes: ["NNCHN": .residentIdentityNumber, "EHC": .healthCard])
    let nid = residentID("11010119800101001")

    func register(_ c: SQLiteCatalog, _ i: TestInstance) async throws {
        #expect(try await c.register(i.record(), onConflict: .reject) == .stored)
    }

    func instance(_ n: Int, _ pid: String, _ issuer: String, name: String = "Zhang^Wei=张^伟", birth: String = "19800101",
                  sex: String = "M", ids: [(String, String)] = []) -> TestInstance {
        TestInstance(study: "9.\(n)", series: "9.\(n).1", sop: "9.\(n).1.1", patientID: pid, issuer: issuer,
                     patientName: name, birthDate: birth, sex: sex, otherIDs: ids)
    }

    @Test func invalidCheckCharacterIsNotTrustedAndIsReported() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        let bad = String(nid.dropLast()) + (nid.last == "0" ? "1" : "0")
        try await register(c, instance(1, "A-1", "HOSP-A", ids: [(bad, "NNCHN")]))
        try await register(c, instance(2, "B-1", "HOSP-B", ids: [(bad, "NNCHN")]))
        #expect(try await c.masterPatientID(forStudy: "9.1") != c.masterPatientID(forStudy: "9.2"))
        let queue = try await c.reviewQueue(limit: 50)
        #expect(queue.identifierIssues.count == 2)
        #expect(queue.identifierIssues.allSatisfy { $0.status == "invalid" && $0.identifier.value == bad })
        // Same name and birth date: suggested for review, not linked.
        #expect(queue.candidates.count == 1)
        await #expect(throws: MPIError.invalidIdentifier(PatientIdentifier(authority: "NNCHN", value: bad), .invalidCheckCharacter)) {
            try await c.masterPatient(identifiedBy: PatientIdentifier(authority: "NNCHN", value: bad))
        }
    }

    @Test func healthCardLinksAndLowerCaseResidentIDIsCanonical() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        let x = residentID("11010519491231002")  // ends in X
        try await register(c, instance(1, "A-1", "HOSP-A", ids: [(x.lowercased(), "NNCHN"), ("ehc00001234", "EHC")]))
        try await register(c, instance(2, "B-1", "HOSP-B", ids: [("EHC00001234", "EHC")]))
        try await register(c, instance(3, "C-1", "HOSP-C", ids: [(x, "NNCHN")]))
        let m = try await c.masterPatientID(forStudy: "9.1")
        #expect(try await c.masterPatientID(forStudy: "9.2") == m)
        #expect(try await c.masterPatientID(forStudy: "9.3") == m)
        let master = try await c.masterPatient(identifiedBy: PatientIdentifier(authority: "HOSP-B", value: "B-1"))
        #expect(master.id == m)
        let ids = Set(master.identifiers.map(\.identifier.description))
        #expect(ids == ["HOSP-A|A-1", "HOSP-B|B-1", "HOSP-C|C-1", "NNCHN|\(x)", "EHC|EHC00001234"])
        let b = master.identifiers.first { $0.identifier.value == "B-1" }
        #expect(b?.provenance?.rule == "trusted-identifier")
        #expect(master.identifiers.first { $0.identifier.value == "A-1" }?.provenance?.rule == "new")
        #expect(try await c.reviewQueue(limit: 10).candidates.isEmpty)  // same master: nothing to review
    }

    @Test func aSecondNationalIDForOneIdentityIsAConflictNotALink() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        let other = residentID("32010119800101002")
        try await register(c, instance(1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")]))
        // Later the same local identity arrives with another national ID that nobody holds yet.
        try await register(c, instance(2, "A-1", "HOSP-A", ids: [(other, "NNCHN")]))
        // Someone else with that other ID must not land on A-1's master.
        try await register(c, instance(3, "B-9", "HOSP-B", name: "Li^Na=李^娜", birth: "19700202", sex: "F", ids: [(other, "NNCHN")]))
        #expect(try await c.masterPatientID(forStudy: "9.1") == c.masterPatientID(forStudy: "9.2"))
        #expect(try await c.masterPatientID(forStudy: "9.3") != c.masterPatientID(forStudy: "9.1"))
        let conflicts = try await c.identityConflicts()
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.identifierValue == other)
        let issues = try await c.reviewQueue(limit: 10).identifierIssues
        #expect(issues.map(\.status) == ["conflicting"])
        // Two national IDs in one instance of a new identity: neither links.
        try await register(c, instance(4, "D-1", "HOSP-D", ids: [(nid, "NNCHN"), (other, "NNCHN")]))
        #expect(try await c.masterPatientID(forStudy: "9.4") != c.masterPatientID(forStudy: "9.1"))
        #expect(try await c.masterPatientID(forStudy: "9.4") != c.masterPatientID(forStudy: "9.3"))
    }

    @Test func lookAlikesAndUntrustedIdentitiesGoToTheReviewQueue() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        try await register(c, instance(1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")]))
        // Same name + birth date, another national ID: a look-alike.
        try await register(c, instance(2, "B-1", "HOSP-B", name: "ZHANG^WEI=张^伟", ids: [(residentID("44030519800101003"), "NNCHN")]))
        // Same person seen without any trusted identifier (ideographic name only).
        try await register(c, instance(3, "C-1", "HOSP-C", name: "=张^伟"))
        // Different person.
        try await register(c, instance(4, "D-1", "HOSP-D", name: "Wang^Fang=王^芳", sex: "F"))
        let masters = try await ["9.1", "9.2", "9.3", "9.4"].asyncMap { try await c.masterPatientID(forStudy: $0) }
        #expect(Set(masters).count == 4)
        let queue = try await c.reviewQueue(limit: 10)
        let pairs = Set(queue.candidates.map { Set([$0.first.identifier.value, $0.second.identifier.value]) })
        #expect(pairs == [["A-1", "B-1"], ["A-1", "C-1"], ["B-1", "C-1"]])
        let lookAlike = queue.candidates.first { Set([$0.first.identifier.value, $0.second.identifier.value]) == ["A-1", "B-1"] }
        #expect(lookAlike?.reasons.contains("different-trusted-identifiers") == true)
        #expect(queue.candidates.allSatisfy { $0.score >= DemographicMatcher.threshold })
    }

    @Test func linkingOffKeepsEveryIdentityApart() async throws {
        var off = policy
        off.linking = false
        let c = try SQLiteCatalog.inMemory(policy: off)
        try await register(c, instance(1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")]))
        try await register(c, instance(2, "B-1", "HOSP-B", ids: [(nid, "NNCHN")]))
        #expect(try await c.masterPatientID(forStudy: "9.1") != c.masterPatientID(forStudy: "9.2"))
        #expect(try await c.reviewQueue(limit: 10).candidates.isEmpty)
    }
}
