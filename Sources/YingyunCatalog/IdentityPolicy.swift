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
    /// Prefix of the issuer given to identities that name none; the source is appended, so a
    /// bare PatientID is only ever the same identity when the same source sends it again.
    public static let unknownIssuer = "urn:yingyun:unknown-issuer"

    public init(trustedIssuers: Set<String> = ["NNCHN"], defaultIssuerBySource: [String: String] = [:]) {
        self.trustedIssuers = trustedIssuers
        self.defaultIssuerBySource = defaultIssuerBySource
    }
}
