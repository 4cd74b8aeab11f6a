import Foundation
import Testing
import YingyunCatalog
import YingyunDICOM

/// Link, unlink, merge, unmerge: audited, reversible, refused without change on bad input.
@Suite struct MPIOperationTests {
    let nid = residentID("11010119800101001")

    func register(_ c: SQLiteCatalog, _ n: Int, _ pid: String, _ issuer: String, ids: [(String, String)] = [],
                  extra: [DataElement] = [], date: String = "20240105", modality: String = "CT") async throws {
        let i = TestInstance(study: "5.\(n)", series: "5.\(n).1", sop: "5.\(n).1.1", patientID: pid, issuer: issuer,
                             otherIDs: ids, modality: modality, studyDate: date, extra: extra)
        #expect(try await c.register(i.record(), onConflict: .reject) == .stored)
    }

    func studies(_ c: SQLiteCatalog, master: String) async throws -> Set<String> {
        Set(try await c.search(CatalogQuery(level: .study, masterPatientID: master)).matches.compactMap { $0.string(.studyInstanceUID) })
    }

    func id(_ s: String) -> PatientIdentifier { try! PatientIdentifier(parsing: s) }

    @Test func mergeThenUnmergeRestoresExactlyThePreviousState() async throws {
        let c = try SQLiteCatalog.inMemory()
        try await register(c, 1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")])
        try await register(c, 2, "B-1", "HOSP-B", ids: [(nid, "NNCHN")])
        try await register(c, 3, "C-1", "HOSP-C")
        try await register(c, 4, "C-2", "HOSP-C")
        let target = try #require(try await c.masterPatientID(forStudy: "5.1"))
        let source = try #require(try await c.masterPatientID(forStudy: "5.3"))
        let before = try await c.identitySnapshot()
        let qidoBefore = [try await studies(c, master: target), try await studies(c, master: source)]
        #expect(qidoBefore == [["5.1", "5.2"], ["5.3"]])

        let merge = try await c.merge(source, into: target, by: operatorAction)
        #expect(merge.action == "merge" && merge.movedIdentities == 1 && merge.operatorName == "dr.li")
        #expect(try await studies(c, master: target) == ["5.1", "5.2", "5.3"])
        #expect(try await studies(c, master: source).isEmpty)
        #expect(try await c.masterPatient(id: source).id == target)  // redirected
        #expect(try await c.masterPatient(id: source).mergedFrom == source)
        // A later instance of the merged identity stays on the target.
        try await register(c, 6, "C-1", "HOSP-C")
        #expect(try await c.masterPatientID(forStudy: "5.6") == target)

        let unmerge = try await c.unmerge(source, by: operatorAction)
        #expect(unmerge.reverses == merge.id)
        #expect(try await studies(c, master: target) == ["5.1", "5.2"])
        #expect(try await studies(c, master: source) == ["5.3", "5.6"])
        // Remove the later study's rows from the comparison: everything else is as before.
        let after = try await c.identitySnapshot().filter { !$0.contains("\"5.6\"") }
        #expect(after == before)
        await #expect(throws: MPIError.self) { try await c.unmerge(source, by: operatorAction) }
        let trail = try await c.auditTrail(limit: 10)
        #expect(trail.map(\.action) == ["unmerge", "merge"])
    }

    @Test func mergeUnmergeWithoutNewDataIsByteForByteTheSame() async throws {
        let c = try SQLiteCatalog.inMemory()
        try await register(c, 1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")])
        try await register(c, 3, "C-1", "HOSP-C")
        let a = try #require(try await c.masterPatientID(forStudy: "5.1"))
        let b = try #require(try await c.masterPatientID(forStudy: "5.3"))
        let before = try await c.identitySnapshot()
        let q = try await c.search(CatalogQuery(level: .study)).matches.map { try DICOMJSONEncoder().encode($0, source: nil) }
        _ = try await c.merge(a, into: b, by: operatorAction)
        #expect(try await c.identitySnapshot() != before)
        _ = try await c.unmerge(a, by: operatorAction)
        #expect(try await c.identitySnapshot() == before)
        let q2 = try await c.search(CatalogQuery(level: .study)).matches.map { try DICOMJSONEncoder().encode($0, source: nil) }
        #expect(q == q2)
        #expect(try await studies(c, master: a) == ["5.1"])
    }

    @Test func linkThenUnlinkRestoresAndPinsAgainstIngest() async throws {
        let c = try SQLiteCatalog.inMemory()
        try await register(c, 1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")])
        try await register(c, 2, "C-1", "HOSP-C")
        let a = try #require(try await c.masterPatientID(forStudy: "5.1"))
        let before = try await c.identitySnapshot()
        let link = try await c.link(id("HOSP-C|C-1"), to: a, by: operatorAction)
        #expect(try await studies(c, master: a) == ["5.1", "5.2"])
        let m = try await c.masterPatient(identifiedBy: id("HOSP-C|C-1"))
        #expect(m.identifiers.first { $0.identifier.value == "C-1" }?.provenance?.rule == "operator")
        #expect(m.identifiers.first { $0.identifier.value == "C-1" }?.provenance?.operatorName == "dr.li")
        let unlink = try await c.unlink(id("HOSP-C|C-1"), by: operatorAction)
        #expect(unlink.reverses == link.id)
        #expect(try await c.identitySnapshot() == before)

        // Unlinking an identity the ingest rule linked: it gets its own master and stays there.
        try await register(c, 3, "B-1", "HOSP-B", ids: [(nid, "NNCHN")])
        #expect(try await c.masterPatientID(forStudy: "5.3") == a)
        let out = try await c.unlink(id("HOSP-B|B-1"), by: operatorAction)
        #expect(out.masterID != a)
        try await register(c, 4, "B-1", "HOSP-B", ids: [(nid, "NNCHN")])
        #expect(try await c.masterPatientID(forStudy: "5.4") == out.masterID)
        #expect(try await c.masterPatientID(forStudy: "5.3") == out.masterID)
        #expect(try await c.identityConflicts().contains { $0.patientID == "B-1" })
    }

    @Test func badRequestsChangeNothing() async throws {
        let c = try SQLiteCatalog.inMemory()
        try await register(c, 1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")])
        try await register(c, 2, "B-1", "HOSP-B", ids: [(residentID("32010119800101002"), "NNCHN")])
        let a = try #require(try await c.masterPatientID(forStudy: "5.1"))
        let b = try #require(try await c.masterPatientID(forStudy: "5.2"))
        let before = try await c.identitySnapshot()
        await #expect(throws: MPIError.unknownMaster("99999")) { try await c.link(id("HOSP-B|B-1"), to: "99999", by: operatorAction) }
        await #expect(throws: MPIError.unknownMaster("x")) { try await c.link(id("HOSP-B|B-1"), to: "x", by: operatorAction) }
        await #expect(throws: MPIError.unknownAuthority("HOSP-Z")) { try await c.link(id("HOSP-Z|1"), to: a, by: operatorAction) }
        await #expect(throws: MPIError.unknownIdentifier(id("HOSP-A|nobody"))) {
            try await c.link(id("HOSP-A|nobody"), to: a, by: operatorAction)
        }
        // Two different national IDs on one master: refused.
        await #expect(throws: MPIError.self) { try await c.link(id("HOSP-B|B-1"), to: a, by: operatorAction) }
        await #expect(throws: MPIError.self) { try await c.merge(b, into: a, by: operatorAction) }
        await #expect(throws: MPIError.self) { try await c.merge(a, into: a, by: operatorAction) }
        await #expect(throws: MPIError.self) { try await c.unmerge(a, by: operatorAction) }
        await #expect(throws: MPIError.self) {
            try await c.link(id("HOSP-B|B-1"), to: a, by: OperatorAction(operatorName: " ", reason: "x"))
        }
        await #expect(throws: MPIError.self) {
            try await c.merge(b, into: a, by: OperatorAction(operatorName: "dr.li", reason: ""))
        }
        await #expect(throws: MPIError.self) { try await c.unlink(id("HOSP-A|A-1"), by: operatorAction) }
        await #expect(throws: MPIError.unknownAuthority("HOSP-Z")) {
            try await c.masterPatient(identifiedBy: id("HOSP-Z|1"))
        }
        #expect(try await c.identitySnapshot() == before)
        #expect(try await c.auditTrail(limit: 10).isEmpty)
    }

    @Test func priorStudiesFilterByExamItemAndFlagTheRecognitionWindow() async throws {
        let c = try SQLiteCatalog.inMemory()
        let chest = [text(.bodyPartExamined, "CHEST"), text(.institutionName, "First Hospital")]
        try await register(c, 1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")], extra: chest, date: "20261120")
        try await register(c, 2, "B-1", "HOSP-B", ids: [(nid, "NNCHN")], extra: chest, date: "20260701")
        try await register(c, 3, "B-1", "HOSP-B", extra: [text(.bodyPartExamined, "HEAD")], date: "20261101", modality: "MR")
        let code = DataElement(tag: .procedureCodeSequence, items: [DataSet([text(.codeValue, "XR-CHEST")])])
        try await register(c, 4, "A-1", "HOSP-A", extra: [code], date: "20250101", modality: "CR")
        try await register(c, 5, "Z-1", "HOSP-Z", date: "20261120")  // someone else
        let windows = RecognitionWindows(defaultDays: 30, items: [
            .init(modality: "CT", bodyPart: "CHEST", days: 180), .init(procedureCode: "XR-CHEST", days: 365),
        ])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let asOf = calendar.date(from: DateComponents(year: 2026, month: 11, day: 27))!

        let all = try await c.priorStudies(PriorStudyQuery(identifier: id("HOSP-B|B-1"), asOf: asOf), windows: windows)
        #expect(all.studies.map(\.studyInstanceUID) == ["5.1", "5.3", "5.2", "5.4"])
        let byUID = Dictionary(uniqueKeysWithValues: all.studies.map { ($0.studyInstanceUID, $0) })
        #expect(byUID["5.1"]?.withinRecognitionWindow == true && byUID["5.1"]?.examItem == "CT/CHEST")
        #expect(byUID["5.1"]?.institutionName == "First Hospital")
        #expect(byUID["5.1"]?.localIdentity == id("HOSP-A|A-1"))
        #expect(byUID["5.2"]?.withinRecognitionWindow == true)  // 149 days, window 180
        #expect(byUID["5.3"]?.withinRecognitionWindow == true && byUID["5.3"]?.recognitionWindowDays == 30)
        #expect(byUID["5.4"]?.withinRecognitionWindow == false && byUID["5.4"]?.examItem == "procedure:XR-CHEST")

        let ct = try await c.priorStudies(
            PriorStudyQuery(identifier: id("NNCHN|\(nid)"), modalities: ["ct"], bodyParts: ["chest"], lookBackDays: 30, asOf: asOf),
            windows: windows)
        #expect(ct.studies.map(\.studyInstanceUID) == ["5.1"])
        let cr = try await c.priorStudies(
            PriorStudyQuery(masterPatientID: all.masterPatientID, procedureCodes: ["XR-CHEST"], asOf: asOf), windows: windows)
        #expect(cr.studies.map(\.studyInstanceUID) == ["5.4"])
        await #expect(throws: MPIError.self) {
            try await c.priorStudies(PriorStudyQuery(masterPatientID: "12345", asOf: asOf), windows: windows)
        }
        await #expect(throws: MPIError.self) {
            try await c.priorStudies(PriorStudyQuery(asOf: asOf), windows: windows)
        }
    }

    @Test func demographicSearchFindsMastersWithLimits() async throws {
        let c = try SQLiteCatalog.inMemory()
        try await register(c, 1, "A-1", "HOSP-A", ids: [(nid, "NNCHN")])
        try await register(c, 2, "C-1", "HOSP-C")
        let found = try await c.searchMasterPatients(DemographicQuery(name: "zhang^wei", birthDate: "19800101"))
        #expect(found.count == 2)
        #expect(try await c.searchMasterPatients(DemographicQuery(name: "ZHANG*", limit: 1)).count == 1)
        #expect(try await c.searchMasterPatients(DemographicQuery(birthDate: "19800102")).isEmpty)
        await #expect(throws: MPIError.self) { try await c.searchMasterPatients(DemographicQuery()) }
        await #expect(throws: MPIError.self) { try await c.searchMasterPatients(DemographicQuery(birthDate: "1980")) }
        await #expect(throws: MPIError.self) { try await c.searchMasterPatients(DemographicQuery(name: "x", limit: 1000)) }
    }
}
