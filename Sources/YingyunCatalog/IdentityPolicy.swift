/// How local patient identities are named and which identifiers may link them.
///
/// A local identity is (PatientID, issuer). Same *trusted* identifier (an OtherPatientIDsSequence
/// item whose issuer is listed here) ⇒ same master patient. Demographics never link.
public struct IdentityPolicy: Sendable, Hashable {
    /// Issuers (IssuerOfPatientID values / UniversalEntityIDs) whose identifiers are trusted to
    /// identify a person across hospitals, e.g. the national resident ID authority.
    public var trustedIssuers: Set<String>
    /// Issuer to assume when an instance carries none, by source ("AE:CT01", "HTTP:10.0.0.5"...).
    public var defaultIssuerBySource: [String: String]
    /// How each trusted issuer's values are validated; a trusted issuer not listed is `.opaque`.
    /// A value failing its check is never trusted: it is recorded for review.
    public var identifierTypes: [String: TrustedIdentifierType]
    /// Whether ingest links on trusted identifiers and suggests review candidates. Off, every
    /// local identity keeps a master of its own (used to measure what linking costs).
    public var linking: Bool
    /// Prefix of the issuer given to identities that name none; the source is appended, so a
    /// bare PatientID is only ever the same identity when the same source sends it again.
    public static let unknownIssuer = "urn:yingyun:unknown-issuer"
    /// The national resident ID authority (HL7 identifier type NNCHN) and its check.
    public static let standardIdentifierTypes: [String: TrustedIdentifierType] = ["NNCHN": .residentIdentityNumber]

    public init(
        trustedIssuers: Set<String> = ["NNCHN"], defaultIssuerBySource: [String: String] = [:],
        identifierTypes: [String: TrustedIdentifierType] = IdentityPolicy.standardIdentifierTypes, linking: Bool = true
    ) {
        self.trustedIssuers = trustedIssuers
        self.defaultIssuerBySource = defaultIssuerBySource
        self.identifierTypes = identifierTypes
        self.linking = linking
    }

    /// The type of a trusted issuer's identifiers, nil when the issuer is not trusted.
    public func type(ofTrusted issuer: String) -> TrustedIdentifierType? {
        trustedIssuers.contains(issuer) ? identifierTypes[issuer] ?? .opaque : nil
    }
}
