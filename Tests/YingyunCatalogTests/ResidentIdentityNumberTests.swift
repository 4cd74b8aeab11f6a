import Foundation
import Testing
import YingyunCatalog

@Suite struct ResidentIdentityNumberTests {
    @Test(arguments: ["11010519491231002X", "110101198001010010", "440305197505050030"])
    func acceptsValidNumbers(_ value: String) {
        #expect(ResidentIdentityNumber.validate(value) == .success(value))
    }

    @Test func lowerCaseXIsCanonicalisedToUpperCase() {
        #expect(ResidentIdentityNumber.validate("11010519491231002x") == .success("11010519491231002X"))
    }

    @Test(arguments: ["110101198001010011", "11010519491231002Y", "110105194912310021"])
    func rejectsWrongCheckCharacter(_ value: String) {
        guard case .failure(let p) = ResidentIdentityNumber.validate(value) else { Issue.record("accepted"); return }
        #expect(p == .invalidCheckCharacter || value.hasSuffix("Y"))
    }

    @Test(arguments: ["", "12345", "1101011980010100100", "11010119800101001A", "ABCDEFGHIJKLMNOPQR", "110101198013010018"])
    func rejectsMalformedNumbers(_ value: String) {
        guard case .failure(.malformed) = ResidentIdentityNumber.validate(value) else {
            Issue.record("\(value) not reported malformed")
            return
        }
    }

    @Test func healthCardNumbersAreLettersOrDigits() {
        #expect(TrustedIdentifierType.healthCard.validate("ehc0012345") == .success("EHC0012345"))
        #expect(throws: IdentifierProblem.self) { try TrustedIdentifierType.healthCard.validate("EHC-1").get() }
    }

    @Test func identifiersParseAsAuthorityBarValue() throws {
        let id = try PatientIdentifier(parsing: "HOSP-A|A-001")
        #expect(id == PatientIdentifier(authority: "HOSP-A", value: "A-001"))
        for bad in ["", "HOSP-A", "|A-001", "HOSP-A|", "A|B|C", "A|\u{1}"] {
            #expect(throws: MPIError.self) { try PatientIdentifier(parsing: bad) }
        }
    }
}

@Suite struct DemographicMatcherTests {
    @Test func sameNameInEveryGroupBirthDateAndSexScoresHigh() {
        let m = DemographicMatcher.compare(
            Demographics(name: "Zhang^Wei=张^伟", birthDate: "19800101", sex: "M"),
            Demographics(name: "ZHANG^WEI=张^伟", birthDate: "19800101", sex: "M"))
        #expect(m.score >= DemographicMatcher.threshold)
        #expect(m.reasons.contains("same-ideographic-name") && m.reasons.contains("same-latin-name"))
    }

    @Test func ideographicOnlyAgainstPinyinAndIdeographicStillMatches() {
        let m = DemographicMatcher.compare(
            Demographics(name: "=张^伟", birthDate: "19800101", sex: "M"),
            Demographics(name: "Zhang^Wei=张^伟", birthDate: "19800101", sex: "M"))
        #expect(m.score >= DemographicMatcher.threshold)
    }

    @Test func phoneticGroupMatchesAlphabeticPinyin() {
        let m = DemographicMatcher.compare(
            Demographics(name: "=张^伟=zhang^wei", birthDate: "19800101", sex: nil),
            Demographics(name: "Zhang Wei", birthDate: "19800101", sex: nil))
        #expect(m.reasons.contains("same-latin-name"))
    }

    @Test func fullWidthAndAccentsAreFolded() {
        let m = DemographicMatcher.compare(
            Demographics(name: "ＬＩ^ＮＡ", birthDate: "19900101"), Demographics(name: "Lì^Nà", birthDate: "19900101"))
        #expect(m.reasons.contains("same-latin-name"))
    }

    @Test func differentBirthDateOrIdeographicNameStaysBelowThreshold() {
        let a = Demographics(name: "Zhang^Wei=张^伟", birthDate: "19800101", sex: "M")
        #expect(DemographicMatcher.compare(a, Demographics(name: "Zhang^Wei=张^伟", birthDate: "19800102", sex: "M")).score
            < DemographicMatcher.threshold)
        #expect(DemographicMatcher.compare(a, Demographics(name: "Zhang^Wei=章^维", birthDate: "19800101", sex: "M")).score
            < DemographicMatcher.threshold)
        #expect(DemographicMatcher.compare(a, Demographics(name: "Zhang^Wei=张^伟", birthDate: "19800101", sex: "F")).score
            < DemographicMatcher.threshold)
    }

    @Test func recognitionWindowsPickTheMostSpecificItem() throws {
        let w = try RecognitionWindows(json: Data("""
            {"defaultDays": 30, "items": [{"modality": "CT", "days": 60}, {"modality": "CT", "bodyPart": "CHEST", "days": 90},
             {"procedureCode": "XR-CHEST", "days": 180}]}
            """.utf8))
        #expect(w.window(modalities: ["CT"], bodyParts: ["chest"], procedureCodes: []) == ("CT/CHEST", 90))
        #expect(w.window(modalities: ["CT"], bodyParts: ["HEAD"], procedureCodes: []) == ("CT", 60))
        #expect(w.window(modalities: ["CR"], bodyParts: [], procedureCodes: ["XR-CHEST"]) == ("procedure:XR-CHEST", 180))
        #expect(w.window(modalities: ["MR"], bodyParts: [], procedureCodes: []) == ("default", 30))
        #expect(throws: MPIError.self) { try RecognitionWindows(json: Data("{\"defaultDays\": -1, \"items\": []}".utf8)) }
        #expect(throws: MPIError.self) { try RecognitionWindows(json: Data("{\"defaultDays\": 1, \"items\": [{\"days\": 3}]}".utf8)) }
        #expect(throws: MPIError.self) { try RecognitionWindows(json: Data("nope".utf8)) }
    }
}
