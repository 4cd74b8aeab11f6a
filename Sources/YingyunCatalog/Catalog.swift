public import YingyunDICOM

/// The study index: patient (= master patient) / study / series / instance, queried by QIDO-RS
/// (and later C-FIND), and the map from SOP Instance UID to stored blob and frame offsets.
///
/// Implementations: `SQLiteCatalog` (GRDB, WAL). An in-memory SQLite database is the test twin.
/// The catalog stores digests as hex strings: it never touches blobs.
public protocol Catalog: Sendable {
    /// The current row for a SOP Instance UID, if any.
    func instance(sopInstanceUID: String) async throws -> StoredInstance?

    /// Indexes one received instance in one transaction: local identity → master patient, then
    /// patient/study/series/instance rows and the derived counts.
    /// - Throws: `CatalogError.conflict` when the SOP Instance UID exists with other bytes and
    ///   the policy is `.reject`; `CatalogError.missingAttribute` when a required UID is absent.
    func register(_ record: InstanceRecord, onConflict: ConflictPolicy) async throws -> RegisterOutcome

    /// Indexes several instances in one transaction (one commit instead of one per instance: what
    /// a whole-study STOW-RS request or a batch of concurrent C-STOREs needs). Each record
    /// succeeds or fails on its own, exactly as `register(_:onConflict:)` would.
    func register(_ records: [InstanceRecord], onConflict: ConflictPolicy) async throws -> [Result<RegisterOutcome, CatalogError>]

    /// Instances of a study (optionally one series / one instance), ordered by series then
    /// InstanceNumber then SOP Instance UID — the order WADO-RS streams them in.
    func instances(studyInstanceUID: String, seriesInstanceUID: String?, sopInstanceUID: String?) async throws -> [StoredInstance]

    /// QIDO-RS / C-FIND search.
    func search(_ query: CatalogQuery) async throws -> CatalogSearchResult

    /// Every digest a row refers to (current instances and replaced history) — for `verify`.
    func referencedDigests() async throws -> Set<String>

    /// Row counts, for /healthz and the import summary.
    func statistics() async throws -> CatalogStatistics
}

/// What to do when a SOP Instance UID arrives again with different bytes.
public enum ConflictPolicy: String, Sendable, CaseIterable {
    /// Refuse the new bytes (the default: a re-used UID is usually an error upstream).
    case reject
    /// Replace the row; the old digest is kept in a history row and its blob is kept.
    case replace
}

public enum RegisterOutcome: Sendable, Hashable {
    /// A new instance row.
    case stored
    /// The same bytes were already indexed under this SOP Instance UID: nothing changed.
    case duplicate
    /// Different bytes replaced the row (policy `.replace`); the old digest went to history.
    case replaced(previousDigest: String)
}

public enum CatalogError: Error, Sendable, Hashable, CustomStringConvertible {
    case conflict(sopInstanceUID: String, storedDigest: String)
    case missingAttribute(keyword: String)
    case invalidAttribute(keyword: String, reason: String)
    case invalidQuery(String)
    case storage(String)

    public var description: String {
        switch self {
        case .conflict(let uid, _):
            return "SOP Instance UID \(uid) is already stored with different content"
        case .missingAttribute(let k): return "required attribute \(k) is missing or empty"
        case .invalidAttribute(let k, let r): return "attribute \(k) is invalid: \(r)"
        case .invalidQuery(let m): return "invalid query: \(m)"
        case .storage(let m): return "catalog storage error: \(m)"
        }
    }
}

public struct CatalogStatistics: Sendable, Hashable {
    public var masterPatients: Int
    public var studies: Int
    public var series: Int
    public var instances: Int
    public var totalBytes: Int
    public init(masterPatients: Int, studies: Int, series: Int, instances: Int, totalBytes: Int) {
        self.masterPatients = masterPatients
        self.studies = studies
        self.series = series
        self.instances = instances
        self.totalBytes = totalBytes
    }
}
