import Foundation
import YingyunDICOM

/// Demographics one hospital holds for its local identity (PatientName with all component
/// groups, PatientBirthDate, PatientSex). Used only to suggest links for review, never to link.
public struct Demographics: Sendable, Hashable, Codable {
    /// PatientName as received, decoded ("Zhang^Wei=张^伟=zhang^wei").
    public var name: String?
    /// YYYYMMDD.
    public var birthDate: String?
    /// M, F or O.
    public var sex: String?

    public init(name: String? = nil, birthDate: String? = nil, sex: String? = nil) {
        self.name = name
        self.birthDate = birthDate
        self.sex = sex
    }

    /// The name's groups in comparable form: each group's components upper-cased, accents and
    /// width variants folded, joined without separators ("Zhang^Wei" and "ZHANG WEI" agree).
    var normalisedName: NormalisedName {
        guard let name, !name.isEmpty else { return NormalisedName() }
        let pn = PersonName(PersonName.splitValues(name).first ?? name)
        return NormalisedName(
            alphabetic: Self.fold(pn.alphabetic), ideographic: Self.fold(pn.ideographic),
            phonetic: Self.fold(pn.phonetic))
    }

    /// Components concatenated, NFKC-folded (full-width → ASCII), upper-cased, combining marks,
    /// spaces, hyphens and apostrophes removed; nil when empty.
    static func fold(_ group: String) -> String? {
        // Fast path: ASCII and CJK Unified Ideographs are unchanged by NFKC/NFD, so the costly
        // Foundation normalisation is only needed for other scripts, full-width forms and accents.
        if group.unicodeScalars.allSatisfy({ $0.value < 0x80 || (0x4E00...0x9FFF).contains($0.value) }) {
            var out = String.UnicodeScalarView()
            for u in group.unicodeScalars where u != "^" && u != " " && u != "'" && u != "-" && u != "." && u != "," {
                out.append(u.value >= 0x61 && u.value <= 0x7A ? Unicode.Scalar(u.value - 0x20)! : u)
            }
            let s = String(out)
            return s.isEmpty ? nil : s
        }
        var scalars = String.UnicodeScalarView()
        let compat = group.precomposedStringWithCompatibilityMapping.decomposedStringWithCanonicalMapping
        for u in compat.unicodeScalars {
            switch u.properties.generalCategory {
            case .nonspacingMark, .spaceSeparator, .dashPunctuation, .otherPunctuation, .mathSymbol: continue
            default: break
            }
            if u == "^" || u == " " || u == "'" { continue }
            scalars.append(u)
        }
        let s = String(scalars).uppercased()
        return s.isEmpty ? nil : s
    }
}

/// One person name's groups after folding (see `Demographics.fold`).
struct NormalisedName: Sendable, Hashable {
    var alphabetic: String?
    var ideographic: String?
    var phonetic: String?

    /// Latin-script spellings: hospitals put pinyin in the alphabetic or in the phonetic group.
    var latin: Set<String> { Set([alphabetic, phonetic].compactMap { $0 }) }
}
