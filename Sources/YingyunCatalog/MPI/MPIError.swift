/// Why a patient-index request was refused. Nothing is changed when one is thrown; the HTTP
/// layer maps each case to a 4xx status.
public enum MPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not "authority|value", or a part empty or too long.
    case malformedIdentifier(String)
    /// A value of a trusted identifier type that fails its check (format or check character).
    case invalidIdentifier(PatientIdentifier, IdentifierProblem)
    /// An assigning authority that is neither configured nor seen in any received data.
    case unknownAuthority(String)
    /// No local identity or trusted identifier has this value.
    case unknownIdentifier(PatientIdentifier)
    /// No master patient with this id.
    case unknownMaster(String)
    /// The operation would contradict the current state (e.g. two different national IDs on one
    /// master, merging a master into itself, unmerging what was not merged).
    case refused(String)
    /// A required field (operator, reason...) is missing or out of range.
    case invalidRequest(String)

    public var code: String {
        switch self {
        case .malformedIdentifier: return "malformed-identifier"
        case .invalidIdentifier(_, .invalidCheckCharacter): return "invalid-check-character"
        case .invalidIdentifier: return "invalid-identifier"
        case .unknownAuthority: return "unknown-authority"
        case .unknownIdentifier: return "unknown-identifier"
        case .unknownMaster: return "unknown-master"
        case .refused: return "refused"
        case .invalidRequest: return "invalid-request"
        }
    }

    public var description: String {
        switch self {
        case .malformedIdentifier(let m): return "malformed identifier: \(m)"
        case .invalidIdentifier(let id, let p): return "identifier of \(id.authority) is not valid: \(p)"
        case .unknownAuthority(let a): return "unknown assigning authority \(a)"
        case .unknownIdentifier(let id): return "no patient is known by an identifier of \(id.authority) with this value"
        case .unknownMaster(let m): return "no master patient \(m)"
        case .refused(let m): return m
        case .invalidRequest(let m): return m
        }
    }
}
