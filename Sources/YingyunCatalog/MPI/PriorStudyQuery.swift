public import Foundation

/// Prior-study lookup for mutual recognition (检查检验结果互认): a master patient's studies at
/// every hospital, filtered by exam item and look-back window.
public struct PriorStudyQuery: Sendable, Hashable {
    /// The master patient, or any identifier linked to it (exactly one of the two).
    public var masterPatientID: String?
    public var identifier: PatientIdentifier?
    /// Modalities (series level, any series of the study); empty = all.
    public var modalities: [String]
    /// Body Part Examined values (series level); empty = all.
    public var bodyParts: [String]
    /// Procedure Code Sequence code values (study level); empty = all.
    public var procedureCodes: [String]
    /// Only studies on or after `asOf` minus this many days; nil = no limit.
    public var lookBackDays: Int?
    /// The day the question is asked (recognition windows count back from it).
    public var asOf: Date
    public var limit: Int

    public init(
        masterPatientID: String? = nil, identifier: PatientIdentifier? = nil, modalities: [String] = [],
        bodyParts: [String] = [], procedureCodes: [String] = [], lookBackDays: Int? = nil, asOf: Date = Date(),
        limit: Int = 100
    ) {
        self.masterPatientID = masterPatientID
        self.identifier = identifier
        self.modalities = modalities
        self.bodyParts = bodyParts
        self.procedureCodes = procedureCodes
        self.lookBackDays = lookBackDays
        self.asOf = asOf
        self.limit = limit
    }
}

public struct PriorStudies: Sendable, Hashable, Codable {
    public var masterPatientID: String
    public var studies: [PriorStudy]
}

/// One study found by a prior-study lookup. URLs are added by the HTTP layer.
public struct PriorStudy: Sendable, Hashable, Codable {
    public var studyInstanceUID: String
    /// YYYYMMDD, if the study has one.
    public var studyDate: String?
    public var studyDescription: String?
    public var accessionNumber: String?
    /// InstitutionName of the study.
    public var institutionName: String?
    /// The sending hospital's identity: the local identity's assigning authority and PatientID.
    public var localIdentity: PatientIdentifier
    public var modalities: [String]
    public var bodyParts: [String]
    public var procedureCodes: [String]
    public var numberOfInstances: Int
    /// The exam item whose window applied ("CT/CHEST", "procedure:XR001", "default").
    public var examItem: String
    public var recognitionWindowDays: Int
    /// Whether the study is recent enough to be recognised instead of repeated.
    public var withinRecognitionWindow: Bool
}
