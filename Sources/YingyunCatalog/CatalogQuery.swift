public import YingyunDICOM

/// Query/retrieve level (PS3.4 C.6; QIDO-RS resources map onto study/series/instance).
public enum QueryLevel: String, Sendable, CaseIterable {
    case patient = "PATIENT"
    case study = "STUDY"
    case series = "SERIES"
    case instance = "IMAGE"
}

/// One search, as QIDO-RS and C-FIND both express it: match keys with the raw DICOM matching
/// strings (wildcards, ranges, UID lists), the attributes to return, and paging.
public struct CatalogQuery: Sendable {
    public var level: QueryLevel
    /// Scope from the URL (e.g. /studies/{study}/series).
    public var studyInstanceUID: String?
    public var seriesInstanceUID: String?
    /// Attribute → matching value exactly as received (after percent-decoding). An empty value
    /// is universal matching (return the attribute, match everything).
    public var matchKeys: [(tag: Tag, value: String)]
    /// Extra attributes to return.
    public var includeFields: [Tag]
    /// `includefield=all`: every attribute the catalog keeps at this level and above.
    public var includeAll: Bool
    /// PN matching ignoring case and accents and matching any component (PS3.18 fuzzymatching).
    public var fuzzyMatching: Bool
    public var limit: Int?
    public var offset: Int
    /// Restrict to one master patient.
    public var masterPatientID: String?
    /// Restrict to the master patient any of whose identifiers (a hospital's PatientID + issuer,
    /// or a trusted identifier) is this one: a reader at hospital B finds hospital A's studies
    /// by B's PatientID.
    public var linkedIdentifier: PatientIdentifier?

    public init(
        level: QueryLevel, studyInstanceUID: String? = nil, seriesInstanceUID: String? = nil,
        matchKeys: [(tag: Tag, value: String)] = [], includeFields: [Tag] = [], includeAll: Bool = false,
        fuzzyMatching: Bool = false, limit: Int? = nil, offset: Int = 0, masterPatientID: String? = nil
    ) {
        self.level = level
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.matchKeys = matchKeys
        self.includeFields = includeFields
        self.includeAll = includeAll
        self.fuzzyMatching = fuzzyMatching
        self.limit = limit
        self.offset = offset
        self.masterPatientID = masterPatientID
    }
}

public struct CatalogSearchResult: Sendable {
    /// One data set per match, holding the level's required return attributes (PS3.18 §10.6.3.3),
    /// the matched keys and the included fields. The HTTP layer adds RetrieveURL.
    public var matches: [DataSet]
    /// Keys that were accepted but not used for matching (reported in a Warning header).
    public var unsupportedKeys: [Tag]
    /// Total matches before limit/offset, when cheap to know.
    public var totalBeforeLimit: Int?

    public init(matches: [DataSet], unsupportedKeys: [Tag] = [], totalBeforeLimit: Int? = nil) {
        self.matches = matches
        self.unsupportedKeys = unsupportedKeys
        self.totalBeforeLimit = totalBeforeLimit
    }
}
