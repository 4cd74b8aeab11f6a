import Testing
import YingyunCatalog
import YingyunDICOM

@Suite struct IdentityLinkingTests {
    let policy = IdentityPolicy(trustedIssuers: ["NNCHN"], defaultIssuerBySource: ["AE:CT01": "HOSP-CT01"])

    func register(_ c: SQLiteCatalog, _ i: TestInstance, source: String = "HTTP:10.0.0.5") async throws {
        #expect(try await c.register(i.record(source: source), onConflict: .reject) == .stored)
    }

    @Test func sameTrustedIdentifierAtTwoHospitalsLinksOneMaster() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: "A-001",
                                           issuer: "HOSP-A", otherIDs: [("440305197505050030", "NNCHN")]))
        try await register(c, TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: "B-777",
                                           issuer: "HOSP-B", patientName: "ZHANG^WEI",
                                           otherIDs: [("440305197505050030", "NNCHN")]))
        let m1 = try await c.masterPatientID(forStudy: "1.1")
        let m2 = try await c.masterPatientID(forStudy: "2.1")
        #expect(m1 != nil && m1 == m2)
        #expect(try await c.statistics().masterPatients == 1)
        let prior = try await c.search(CatalogQuery(level: .study, masterPatientID: m1))
        #expect(Set(prior.matches.compactMap { $0.string(.studyInstanceUID) }) == ["1.1", "2.1"])
    }

    @Test func sameDemographicsDifferentNationalIDsStaySeparate() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: "A-001",
                                           issuer: "HOSP-A", otherIDs: [("440305197505050030", "NNCHN")]))
        try await register(c, TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: "B-001",
                                           issuer: "HOSP-B", otherIDs: [("330106199009090040", "NNCHN")]))
        #expect(try await c.masterPatientID(forStudy: "1.1") != c.masterPatientID(forStudy: "2.1"))
        #expect(try await c.statistics().masterPatients == 2)
    }

    @Test func noTrustedIdentifierNeverLinksOnDemographics() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        // Same name, birth date, sex; the OtherPatientIDs issuer is not trusted.
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: "A-001",
                                           issuer: "HOSP-A", otherIDs: [("X1", "INSURANCE")]))
        try await register(c, TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: "B-001",
                                           issuer: "HOSP-B", otherIDs: [("X1", "INSURANCE")]))
        #expect(try await c.masterPatientID(forStudy: "1.1") != c.masterPatientID(forStudy: "2.1"))
        // Same PatientID from the same issuer is one local identity.
        try await register(c, TestInstance(study: "3.1", series: "3.1.1", sop: "3.1.1.1", patientID: "A-001",
                                           issuer: "HOSP-A"))
        #expect(try await c.masterPatientID(forStudy: "1.1") == c.masterPatientID(forStudy: "3.1"))
        // Same PatientID under another issuer is someone else.
        try await register(c, TestInstance(study: "4.1", series: "4.1.1", sop: "4.1.1.1", patientID: "A-001",
                                           issuer: "HOSP-C"))
        #expect(try await c.masterPatientID(forStudy: "1.1") != c.masterPatientID(forStudy: "4.1"))
        #expect(try await c.statistics().masterPatients == 3)
    }

    @Test func bareSamePatientIDFromTwoSourcesIsTwoPeople() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        // No issuer in the data sets and no default for these sources.
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: "12345", issuer: nil),
                           source: "HTTP:10.0.0.5")
        try await register(c, TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: "12345", issuer: nil),
                           source: "HTTP:10.9.9.9")
        try await register(c, TestInstance(study: "3.1", series: "3.1.1", sop: "3.1.1.1", patientID: "12345", issuer: nil),
                           source: "HTTP:10.0.0.5")
        #expect(try await c.masterPatientID(forStudy: "1.1") != c.masterPatientID(forStudy: "2.1"))
        #expect(try await c.masterPatientID(forStudy: "1.1") == c.masterPatientID(forStudy: "3.1"))
    }

    @Test func conflictingTrustedIdentifiersAreRecordedNotMerged() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: "A-001",
                                           issuer: "HOSP-A", otherIDs: [("110101198001010010", "NNCHN")]))
        try await register(c, TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: "B-001",
                                           issuer: "HOSP-B", otherIDs: [("320101198001010028", "NNCHN")]))
        // HOSP-A's patient later arrives carrying both national IDs.
        try await register(c, TestInstance(study: "3.1", series: "3.1.1", sop: "3.1.1.1", patientID: "A-001",
                                           issuer: "HOSP-A", otherIDs: [("110101198001010010", "NNCHN"), ("320101198001010028", "NNCHN")]))
        let m1 = try await c.masterPatientID(forStudy: "1.1")
        let m2 = try await c.masterPatientID(forStudy: "2.1")
        #expect(m1 != m2)
        #expect(try await c.masterPatientID(forStudy: "3.1") == m1)
        let conflicts = try await c.identityConflicts()
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.keptMasterPatientID == m1)
        #expect(conflicts.first?.otherMasterPatientID == m2)
        #expect(conflicts.first?.identifierValue == "320101198001010028")
        // A second instance of the same study does not add a duplicate conflict row.
        try await register(c, TestInstance(study: "3.1", series: "3.1.1", sop: "3.1.1.2", patientID: "A-001",
                                           issuer: "HOSP-A", otherIDs: [("110101198001010010", "NNCHN"), ("320101198001010028", "NNCHN")]))
        #expect(try await c.identityConflicts().count == 1)
        #expect(try await c.statistics().masterPatients == 2)
    }

    @Test func newTrustedIdentifierMovesAnUnlinkedIdentity() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: "A-001",
                                           issuer: "HOSP-A"))
        try await register(c, TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: "B-001",
                                           issuer: "HOSP-B", otherIDs: [("110101198001010010", "NNCHN")]))
        #expect(try await c.statistics().masterPatients == 2)
        // HOSP-A now sends the national ID: its identity (and earlier study) joins that master.
        try await register(c, TestInstance(study: "3.1", series: "3.1.1", sop: "3.1.1.1", patientID: "A-001",
                                           issuer: "HOSP-A", otherIDs: [("110101198001010010", "NNCHN")]))
        let m = try await c.masterPatientID(forStudy: "2.1")
        #expect(try await c.masterPatientID(forStudy: "1.1") == m)
        #expect(try await c.masterPatientID(forStudy: "3.1") == m)
        #expect(try await c.statistics().masterPatients == 1)
        #expect(try await c.identityConflicts().isEmpty)
    }

    @Test func issuerComesFromQualifiersThenSourceDefault() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        // Same PatientID: one via the qualifiers sequence, one via the AE default, one unknown.
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: "7",
                                           issuer: nil, issuerQualifier: "2.16.840.1.113883.3.1"))
        try await register(c, TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: "7",
                                           issuer: nil), source: "AE:CT01")
        try await register(c, TestInstance(study: "3.1", series: "3.1.1", sop: "3.1.1.1", patientID: "7",
                                           issuer: "HOSP-CT01"))
        try await register(c, TestInstance(study: "4.1", series: "4.1.1", sop: "4.1.1.1", patientID: "7",
                                           issuer: nil))
        let masters = try await ["1.1", "2.1", "3.1", "4.1"].asyncMap { try await c.masterPatientID(forStudy: $0) }
        #expect(masters[1] == masters[2])  // AE default issuer = explicit issuer
        #expect(Set(masters).count == 3)
    }

    @Test func trustedIssuerAsOwnIssuerIsATrustedIdentifier() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: "110101198001010010",
                                           issuer: "NNCHN"))
        try await register(c, TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: "B-1",
                                           issuer: "HOSP-B", otherIDs: [("110101198001010010", "NNCHN")]))
        #expect(try await c.masterPatientID(forStudy: "1.1") == c.masterPatientID(forStudy: "2.1"))
    }

    @Test func emptyPatientIDGetsItsOwnMasterPerStudy() async throws {
        let c = try SQLiteCatalog.inMemory(policy: policy)
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: nil, issuer: nil))
        try await register(c, TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.2", patientID: "", issuer: nil))
        try await register(c, TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: nil, issuer: nil))
        #expect(try await c.masterPatientID(forStudy: "1.1") != c.masterPatientID(forStudy: "2.1"))
        #expect(try await c.statistics().masterPatients == 2)
    }
}

extension Array {
    func asyncMap<T>(_ f: (Element) async throws -> T) async rethrows -> [T] {
        var out = [T]()
        for e in self { out.append(try await f(e)) }
        return out
    }
}
