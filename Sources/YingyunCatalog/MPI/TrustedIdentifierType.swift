/// What kind of identifier an assigning authority issues, and therefore how its values are
/// checked before they may link patients across hospitals. An invalid value is never trusted:
/// it is recorded and reported for review instead.
public enum TrustedIdentifierType: String, Sendable, Hashable, Codable, CaseIterable {
    /// GB 11643-1999 citizen identity number (HL7 identifier type NNCHN), check character verified.
    case residentIdentityNumber = "resident-id"
    /// Electronic health card number (电子健康卡): 8–64 letters or digits, compared upper-cased.
    case healthCard = "health-card"
    /// Any non-empty value without spaces, compared exactly.
    case opaque

    /// The value in canonical form, or the problem that keeps it from being trusted.
    public func validate(_ value: String) -> Result<String, IdentifierProblem> {
        switch self {
        case .residentIdentityNumber:
            return ResidentIdentityNumber.validate(value)
        case .healthCard:
            let v = value.uppercased()
            guard (8...64).contains(v.utf8.count),
                  v.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) })
            else { return .failure(.malformed("a health card number has 8 to 64 letters or digits")) }
            return .success(v)
        case .opaque:
            guard !value.isEmpty, !value.contains(" ") else {
                return .failure(.malformed("an identifier is a non-empty value without spaces"))
            }
            return .success(value)
        }
    }
}
