public import Foundation

/// The patient master index (ARCHITECTURE: Patient identity): master patients, the local
/// identities and trusted identifiers linked to them, the review queue, and the audited,
/// reversible operations that change links. Linking at ingest happens inside the catalog's
/// registration transaction; this protocol is what operators and information systems use.
///
/// Implementation: `SQLiteCatalog` (the file catalog; an in-memory SQLite database is the twin).
public protocol PatientIndex: Sendable {
    /// The master patient known by `identifier` (a local identity or a trusted identifier),
    /// with every identifier linked to it (IHE PIXm query).
    /// - Throws: `MPIError.unknownAuthority`, `.invalidIdentifier` (trusted type, bad value),
    ///   `.unknownIdentifier`.
    func masterPatient(identifiedBy identifier: PatientIdentifier) async throws -> MasterPatient

    /// A master patient by id; a merged master answers with the master it was merged into.
    /// - Throws: `MPIError.unknownMaster`.
    func masterPatient(id: String) async throws -> MasterPatient

    /// Master patients whose local identities match the demographics (IHE PDQm-like), at most `limit`.
    func searchMasterPatients(_ query: DemographicQuery) async throws -> [MasterPatient]

    /// Open candidate pairs (best score first), recorded conflicts and invalid identifiers.
    /// Review-candidate searches still queued from ingest are scored first.
    func reviewQueue(limit: Int) async throws -> ReviewQueue

    /// Links a local identity to a master patient (operator decision; pinned against ingest rules).
    func link(_ local: PatientIdentifier, to masterID: String, by action: OperatorAction) async throws -> AuditEntry
    /// Undoes the identity's operator link (back to its previous master), or gives it a master of its own.
    func unlink(_ local: PatientIdentifier, by action: OperatorAction) async throws -> AuditEntry
    /// Moves every local identity, trusted identifier and study of `sourceID` to `targetID`.
    func merge(_ sourceID: String, into targetID: String, by action: OperatorAction) async throws -> AuditEntry
    /// Reverses the latest merge of `sourceID`: exactly the identities it moved go back.
    func unmerge(_ sourceID: String, by action: OperatorAction) async throws -> AuditEntry
    /// Marks a review candidate as not the same person.
    func rejectCandidate(_ candidateID: Int64, by action: OperatorAction) async throws -> AuditEntry

    /// The audit trail of MPI operations, newest first.
    func auditTrail(limit: Int) async throws -> [AuditEntry]

    /// Studies of one master patient at any hospital (prior-study lookup for mutual recognition).
    func priorStudies(_ query: PriorStudyQuery, windows: RecognitionWindows) async throws -> PriorStudies
}

/// Who does an operation and why: every change to links is audited with both.
public struct OperatorAction: Sendable, Hashable, Codable {
    public var operatorName: String
    public var reason: String
    public var at: Date

    public init(operatorName: String, reason: String, at: Date = Date()) {
        self.operatorName = operatorName
        self.reason = reason
        self.at = at
    }

    func validated() throws(MPIError) -> OperatorAction {
        guard !operatorName.trimmingCharacters(in: .whitespaces).isEmpty, operatorName.count <= 128 else {
            throw .invalidRequest("operator is required (at most 128 characters)")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty, reason.count <= 1024 else {
            throw .invalidRequest("reason is required (at most 1024 characters)")
        }
        return self
    }
}

/// How a local identity came to its master patient.
public struct LinkProvenance: Sendable, Hashable, Codable {
    /// "new" (first seen, own master), "trusted-identifier" (ingest rule), "operator".
    public var rule: String
    public var operatorName: String?
    public var reason: String?
    public var at: Date?
}

/// One identifier linked to a master patient.
public struct LinkedIdentifier: Sendable, Hashable, Codable {
    public var identifier: PatientIdentifier
    /// "local" (a hospital's PatientID) or "trusted" (national ID, health card...).
    public var kind: String
    /// For local identities: how they were linked, and their demographics (review only).
    public var provenance: LinkProvenance?
    public var demographics: Demographics?
}

public struct MasterPatient: Sendable, Hashable, Codable {
    public var id: String
    /// Set when the id asked for was merged into this one.
    public var mergedFrom: String?
    public var identifiers: [LinkedIdentifier]
}

/// PDQ-like search keys; at least one of name, birth date or identifier value is required.
public struct DemographicQuery: Sendable, Hashable {
    /// Any component group, case- and width-insensitive; a trailing "*" matches a prefix.
    public var name: String?
    public var birthDate: String?
    public var sex: String?
    public var limit: Int

    public init(name: String? = nil, birthDate: String? = nil, sex: String? = nil, limit: Int = 20) {
        self.name = name
        self.birthDate = birthDate
        self.sex = sex
        self.limit = limit
    }
}

/// Two local identities on different masters whose demographics look alike.
public struct ReviewCandidate: Sendable, Hashable, Codable {
    public var id: Int64
    public var score: Double
    public var reasons: [String]
    public var first: LinkedIdentifier
    public var firstMasterID: String
    public var second: LinkedIdentifier
    public var secondMasterID: String
}

/// An identifier received but not trusted: invalid for its type, or contradicting the identity's
/// earlier trusted identifier of the same authority.
public struct IdentifierIssue: Sendable, Hashable, Codable {
    public var localIdentity: PatientIdentifier
    public var identifier: PatientIdentifier
    /// "invalid" or "conflicting".
    public var status: String
    public var reason: String?
}

public struct ReviewQueue: Sendable, Hashable, Codable {
    public var candidates: [ReviewCandidate]
    public var conflicts: [IdentityConflict]
    public var identifierIssues: [IdentifierIssue]
}

/// One audited MPI operation.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    /// link, unlink, merge, unmerge, reject-candidate.
    public var action: String
    public var operatorName: String
    public var reason: String
    public var at: Date
    public var masterID: String?
    public var otherMasterID: String?
    public var localIdentity: PatientIdentifier?
    /// The entry this one reverses (unlink of a link, unmerge of a merge).
    public var reverses: Int64?
    /// Local identities moved by the operation.
    public var movedIdentities: Int
}
