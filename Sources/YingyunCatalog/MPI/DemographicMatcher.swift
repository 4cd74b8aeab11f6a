/// Scores how alike two local identities' demographics are, to put likely duplicates in the
/// review queue. Pure: no database. The score never links anyone; a person decides.
///
/// Weights: equal birth date 0.3 (different: −0.3); equal ideographic name 0.4 (different: −0.4); equal Latin
/// spelling (alphabetic or phonetic group, either side) 0.3, or 0.2 when the ideographic names
/// already agree; equal sex 0.1 (different: −0.4). A pair is suggested at `threshold` and above,
/// which needs the birth date and at least one name group to agree.
public enum DemographicMatcher {
    public static let threshold = 0.6

    public struct Match: Sendable, Hashable {
        public var score: Double
        public var reasons: [String]
    }

    public static func compare(_ a: Demographics, _ b: Demographics) -> Match {
        compare(a, b, normalisedFirst: a.normalisedName)
    }

    static func compare(_ a: Demographics, _ b: Demographics, normalisedFirst na: NormalisedName) -> Match {
        var score = 0.0
        var reasons: [String] = []
        if let d = a.birthDate, let e = b.birthDate, !d.isEmpty, !e.isEmpty {
            if d == e {
                score += 0.3
                reasons.append("same-birth-date")
            } else {
                score -= 0.3
                reasons.append("different-birth-date")
            }
        }
        let nb = b.normalisedName
        var ideographicAgree = false
        if let i = na.ideographic, let j = nb.ideographic {
            if i == j {
                score += 0.4
                ideographicAgree = true
                reasons.append("same-ideographic-name")
            } else {
                score -= 0.4
                reasons.append("different-ideographic-name")
            }
        }
        if !na.latin.isDisjoint(with: nb.latin) {
            score += ideographicAgree ? 0.2 : 0.3
            reasons.append("same-latin-name")
        }
        if let s = a.sex, let t = b.sex, !s.isEmpty, !t.isEmpty {
            if s == t {
                score += 0.1
                reasons.append("same-sex")
            } else {
                score -= 0.4
                reasons.append("different-sex")
            }
        }
        return Match(score: (score * 100).rounded() / 100, reasons: reasons)
    }
}
