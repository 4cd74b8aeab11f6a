import Foundation
import GRDB

/// Turns one DICOM matching value into an SQL predicate over an attribute's column
/// (PS3.4 C.2.2.2, PS3.18 §8.3.4). Nil means universal matching.
///
/// Wildcards become SQLite GLOB patterns (`*` and `?` are GLOB's own; `[` is escaped as `[[]`),
/// so SQL LIKE metacharacters such as `%` and `_` are ordinary characters and matching stays
/// case-sensitive, as PS3.4 requires for everything but PN.
struct MatchingPredicate: Sendable {
    var sql: String
    var arguments: [DatabaseValue]

    static func make(_ attribute: CatalogAttribute, value raw: String, fuzzy: Bool) throws -> MatchingPredicate? {
        let value = raw.trimmingSpaces
        if value.isEmpty || value.allSatisfy({ $0 == "*" }) { return nil }
        let col = attribute.column
        switch attribute.matching {
        case .none:
            return nil
        case .uid:
            let uids = value.split(separator: "\\").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
            if uids.count == 1 { return .init(sql: "\(col) = ?", arguments: [uids[0].databaseValue]) }
            let marks = Array(repeating: "?", count: uids.count).joined(separator: ", ")
            return .init(sql: "\(col) IN (\(marks))", arguments: uids.map(\.databaseValue))
        case .text:
            return anyOf(values(value).map { single(col, $0) })
        case .modalities:
            // Any series of the study with a matching Modality (PS3.4 C.6.1.1.3.2).
            guard let inner = anyOf(values(value).map { single("m.modality", $0) }) else { return nil }
            return .init(
                sql: "EXISTS (SELECT 1 FROM series m WHERE m.study_id = st.id AND \(inner.sql))",
                arguments: inner.arguments)
        case .integer:
            var parts = [MatchingPredicate]()
            for v in values(value) {
                guard let n = Int(v) else {
                    throw CatalogError.invalidQuery("\(attribute.tag) needs an integer, got \"\(v)\"")
                }
                parts.append(.init(sql: "\(col) = ?", arguments: [n.databaseValue]))
            }
            return anyOf(parts)
        case .date:
            // Old ACR-NEMA style "2020.01.01" dates are still sent by some systems.
            return try range(col, value.replacingDots(), attribute)
        case .time, .dateTime:
            return try range(col, value, attribute)
        case .personName:
            return personName(col, value, fuzzy: fuzzy)
        }
    }

    // MARK: Building blocks

    private static func values(_ v: String) -> [String] {
        v.split(separator: "\\").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }

    private static func anyOf(_ parts: [MatchingPredicate]) -> MatchingPredicate? {
        if parts.isEmpty { return nil }
        if parts.count == 1 { return parts[0] }
        return .init(
            sql: "(" + parts.map(\.sql).joined(separator: " OR ") + ")", arguments: parts.flatMap(\.arguments))
    }

    static func hasWildcard(_ v: String) -> Bool { v.contains("*") || v.contains("?") }

    /// DICOM wildcard value → GLOB pattern: only `[` needs escaping (`]` alone is literal).
    static func globPattern(_ v: String) -> String {
        v.replacingOccurrences(of: "[", with: "[[]")
    }

    /// A literal text inside a GLOB pattern: `*`, `?` and `[` made ordinary.
    static func globLiteral(_ v: String) -> String {
        var out = ""
        for c in v {
            switch c {
            case "*": out += "[*]"
            case "?": out += "[?]"
            case "[": out += "[[]"
            default: out.append(c)
            }
        }
        return out
    }

    private static func single(_ col: String, _ v: String) -> MatchingPredicate {
        if hasWildcard(v) { return .init(sql: "\(col) GLOB ?", arguments: [globPattern(v).databaseValue]) }
        return .init(sql: "\(col) = ?", arguments: [v.databaseValue])
    }

    /// "a-b", "-b", "a-" or a single value. The upper bound gets a "~" appended so that it
    /// covers every value it prefixes ("1300" includes 13:00:59, "2020" all of 2020 for DT).
    private static func range(_ col: String, _ v: String, _ attribute: CatalogAttribute) throws -> MatchingPredicate? {
        // For DT, "-" can also start a UTC offset; the first "-" is taken as the range separator.
        guard let dash = v.firstIndex(of: "-") else {
            if hasWildcard(v) { return single(col, v) }
            if attribute.matching == .dateTime {
                // A DT value matches the instants it names at its precision ("2020" = all of 2020).
                return .init(sql: "\(col) GLOB ?", arguments: [(globLiteral(v) + "*").databaseValue])
            }
            return .init(sql: "\(col) = ?", arguments: [v.databaseValue])
        }
        let lower = String(v[..<dash]).trimmingSpaces
        let upper = String(v[v.index(after: dash)...]).trimmingSpaces
        if lower.isEmpty && upper.isEmpty { return nil }
        for bound in [lower, upper] where bound.contains(where: { !($0.isNumber || $0 == "." || $0 == "+" || $0 == "-") }) {
            throw CatalogError.invalidQuery("\(attribute.tag) range bound \"\(bound)\" is not a date/time")
        }
        var parts = [MatchingPredicate]()
        if !lower.isEmpty { parts.append(.init(sql: "\(col) >= ?", arguments: [lower.databaseValue])) }
        if !upper.isEmpty { parts.append(.init(sql: "\(col) <= ?", arguments: [(upper + "~").databaseValue])) }
        return .init(sql: parts.map(\.sql).joined(separator: " AND "), arguments: parts.flatMap(\.arguments))
    }

    /// PN: case-insensitive; a value without "=" matches any component group; a value with "="
    /// matches its non-empty groups against the same groups. Fuzzy matching additionally accepts
    /// names where every component of the query starts some name component, accents ignored.
    private static func personName(_ col: String, _ v: String, fuzzy: Bool) -> MatchingPredicate? {
        var alternatives = [MatchingPredicate]()
        let groups = v.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        if groups.count == 1 {
            if let g = PersonNameKey.fold(groups[0]) {
                alternatives.append(
                    anyOf(["_a", "_i", "_p"].map { single(col + $0, g) })!)
            }
        } else {
            var parts = [MatchingPredicate]()
            for (group, suffix) in zip(groups, ["_a", "_i", "_p"]) {
                if let g = PersonNameKey.fold(group) { parts.append(single(col + suffix, g)) }
            }
            if !parts.isEmpty {
                alternatives.append(
                    .init(sql: "(" + parts.map(\.sql).joined(separator: " AND ") + ")", arguments: parts.flatMap(\.arguments)))
            }
        }
        if fuzzy {
            let tokens = v.split(whereSeparator: { $0 == "^" || $0 == "=" || $0 == " " || $0 == "," })
                .map { PersonNameKey.foldWord(String($0)) }
                .filter { !$0.isEmpty && !$0.allSatisfy { $0 == "*" } }
            if !tokens.isEmpty {
                let parts = tokens.map { t -> MatchingPredicate in
                    let pattern = "* " + (hasWildcard(t) ? globPattern(t) : globLiteral(t)) + "*"
                    return .init(sql: "\(col)_words GLOB ?", arguments: [pattern.databaseValue])
                }
                alternatives.append(
                    .init(sql: "(" + parts.map(\.sql).joined(separator: " AND ") + ")", arguments: parts.flatMap(\.arguments)))
            }
        }
        return anyOf(alternatives)
    }
}

extension String {
    fileprivate func replacingDots() -> String { replacingOccurrences(of: ".", with: "") }
}
