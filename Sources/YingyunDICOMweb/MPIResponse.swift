import YingyunCatalog

/// Prior-study answer: the catalog's facts plus where to view the study (PS3.18 thumbnail and
/// WADO-RS study URLs under the DICOMweb base).
struct PriorStudyAnswer: Encodable {
    var masterPatientID: String
    var asOf: String
    var studies: [Study]

    struct Study: Encodable {
        var studyInstanceUID: String
        var studyDate: String?
        var studyDescription: String?
        var accessionNumber: String?
        /// InstitutionName, else the sending hospital's assigning authority.
        var hospital: String
        var localIdentifier: PatientIdentifier
        var modalities: [String]
        var bodyParts: [String]
        var procedureCodes: [String]
        var numberOfInstances: Int
        var examItem: String
        var recognitionWindowDays: Int
        var withinRecognitionWindow: Bool
        var thumbnailURL: String
        var wadoRSURL: String
    }

    init(_ p: PriorStudies, asOf: String, baseURL: String) {
        masterPatientID = p.masterPatientID
        self.asOf = asOf
        studies = p.studies.map { s in
            Study(
                studyInstanceUID: s.studyInstanceUID, studyDate: s.studyDate, studyDescription: s.studyDescription,
                accessionNumber: s.accessionNumber, hospital: s.institutionName ?? s.localIdentity.authority,
                localIdentifier: s.localIdentity, modalities: s.modalities, bodyParts: s.bodyParts,
                procedureCodes: s.procedureCodes, numberOfInstances: s.numberOfInstances, examItem: s.examItem,
                recognitionWindowDays: s.recognitionWindowDays, withinRecognitionWindow: s.withinRecognitionWindow,
                thumbnailURL: "\(baseURL)/studies/\(s.studyInstanceUID)/thumbnail",
                wadoRSURL: "\(baseURL)/studies/\(s.studyInstanceUID)")
        }
    }
}

/// PDQm-like search answer.
struct PatientSearchAnswer: Encodable {
    var total: Int
    var patients: [MasterPatient]
}
