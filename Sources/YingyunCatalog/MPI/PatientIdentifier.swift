/// One patient identifier as HL7 v2 CX carries it: the value and its assigning authority
/// (DICOM: PatientID + IssuerOfPatientID). Written "authority|value" in URLs, as FHIR token
/// parameters (system|value) are in IHE PIXm/PDQm.
public struct PatientIdentifier: Sendable, Hashable, Codable, CustomStringConvertible {
    public var authority: String
    public var value: String

    public init(authority: String, value: String) {
        self.authority = authority
        self.value = value
    }

    /// Parses "authority|value".
    /// - Throws: `MPIError.malformedIdentifier` when either part is missing or empty, or the
    ///   value holds a second "|" or control characters.
    public init(parsing text: String) throws(MPIError) {
        guard let bar = text.firstIndex(of: "|") else {
            throw .malformedIdentifier("expected authority|value, got no \"|\"")
        }
        let authority = String(text[..<bar])
        let value = String(text[text.index(after: bar)...])
        guard !authority.isEmpty, !value.isEmpty else {
            throw .malformedIdentifier("expected authority|value with both parts non-empty")
        }
        guard !value.contains("|"), authority.count <= 64, value.count <= 64,
              !(authority + value).unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw .malformedIdentifier("an identifier is at most 64 characters per part, one \"|\", no control characters") }
        self.authority = authority
        self.value = value
    }

    public var description: String { authority + "|" + value }
}
