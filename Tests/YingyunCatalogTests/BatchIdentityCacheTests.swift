import Foundation
import Testing
@testable import YingyunCatalog

/// One identity resolution per identity input per batch (`IdentityResolver.BatchCache`): the
/// remembered answer must give way when the same local identity is resolved again with another
/// input inside the batch (here: relinked by a national ID).
@Suite struct BatchIdentityCacheTests {
    func instance(_ study: String, _ sop: Int, _ pid: String, _ issuer: String, ids: [(String, String)] = []) -> TestInstance {
        TestInstance(study: study, series: study + ".1", sop: study + ".1.\(sop)", patientID: pid, issuer: issuer,
                     patientName: "Li^Lei=李^雷", birthDate: "19900303", sex: "M", otherIDs: ids)
    }

    @Test func aRelinkInsideTheBatchReplacesTheRememberedResolution() async throws {
        let c = try SQLiteCatalog.inMemory(scoresCandidatesInBackground: false)
        let nid = residentID("11010119900303001")
        let batch = [
            instance("7.1", 1, "A-1", "HOSP-A"),  // no national ID yet: a master of its own
            instance("7.2", 1, "B-1", "HOSP-B", ids: [(nid, "NNCHN")]),
            instance("7.1", 2, "A-1", "HOSP-A", ids: [(nid, "NNCHN")]),  // relinks A-1 to B-1's master
            instance("7.3", 1, "A-1", "HOSP-A"),  // the first input again, in a new study
            instance("7.1", 3, "A-1", "HOSP-A"),
        ].map { $0.record() }
        let results = try await c.register(batch, onConflict: .reject)
        #expect(results.allSatisfy { if case .success(.stored) = $0 { true } else { false } })
        let master = try await c.masterPatientID(forStudy: "7.2")
        #expect(try await c.masterPatientID(forStudy: "7.1") == master)
        #expect(try await c.masterPatientID(forStudy: "7.3") == master)
        let found = try await c.masterPatient(identifiedBy: PatientIdentifier(authority: "HOSP-A", value: "A-1"))
        #expect(found.id == master)
    }

    @Test func laterInstancesOfAStudyInOneBatchMatchOneByOne() async throws {
        let nid = residentID("11010119900303001")
        let records = (1...4).map { instance("7.5", $0, "C-1", "HOSP-C", ids: [(nid, "NNCHN")]) }
            + [instance("7.6", 1, "D-1", "HOSP-D", ids: [(nid, "NNCHN")])]
        let batched = try SQLiteCatalog.inMemory(scoresCandidatesInBackground: false)
        _ = try await batched.register(records.map { $0.record() }, onConflict: .reject)
        let single = try SQLiteCatalog.inMemory(scoresCandidatesInBackground: false)
        for r in records { _ = try await single.register(r.record(), onConflict: .reject) }
        for c in [batched, single] {
            #expect(try await c.masterPatientID(forStudy: "7.5") == c.masterPatientID(forStudy: "7.6"))
            #expect(try await c.queuedCandidateSearches() == 2)
        }
        #expect(try await batched.identitySnapshot() == single.identitySnapshot())
    }
}
