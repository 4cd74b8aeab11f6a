/// The citizen identity number of GB 11643-1999 (公民身份号码): 6-digit administrative region
/// code, 8-digit birth date, 3-digit sequence (odd for men, even for women) and an ISO 7064
/// MOD 11-2 check character ("0"–"9" or "X").
public enum ResidentIdentityNumber {
    /// Weights 2^(17-i) mod 11 for the first 17 digits (GB 11643-1999 §7).
    static let weights: [Int] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// Check character indexed by (weighted sum mod 11).
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for the first 17 digits, or nil when they are not 17 ASCII digits.
    public static func checkCharacter(_ first17: Substring) -> Character? {
        guard first17.utf8.count == 17 else { return nil }
        var sum = 0
        for (i, b) in first17.utf8.enumerated() {
            guard b >= 48, b <= 57 else { return nil }
            sum += Int(b - 48) * weights[i]
        }
        return checkCharacters[sum % 11]
    }

    /// The number in canonical form (upper-case "X"), or why it is not one.
    public static func validate(_ value: String) -> Result<String, IdentifierProblem> {
        let v = value.uppercased()
        guard v.utf8.count == 18 else { return .failure(.malformed("a resident identity number has 18 characters")) }
        let first17 = v.prefix(17)
        guard let check = checkCharacter(first17) else {
            return .failure(.malformed("the first 17 characters of a resident identity number are digits"))
        }
        guard let last = v.last, last.isASCII, last.isNumber || last == "X" else {
            return .failure(.malformed("a resident identity number ends in a digit or X"))
        }
        guard last == check else { return .failure(.invalidCheckCharacter) }
        let birth = v.dropFirst(6).prefix(8)
        guard let month = Int(birth.dropFirst(4).prefix(2)), let day = Int(birth.suffix(2)),
              (1...12).contains(month), (1...31).contains(day)
        else { return .failure(.malformed("the birth date inside the resident identity number is not a date")) }
        return .success(v)
    }
}

/// Why a value cannot be a trusted identifier of its type.
public enum IdentifierProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case malformed(String)
    case invalidCheckCharacter

    public var description: String {
        switch self {
        case .malformed(let m): return m
        case .invalidCheckCharacter: return "the check character does not match (ISO 7064 MOD 11-2)"
        }
    }
}
