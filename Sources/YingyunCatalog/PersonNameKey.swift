import Foundation
import YingyunDICOM

/// Normalised forms of a Person Name value for matching (PS3.4 C.2.2.2.1, PS3.18 §8.3.4.6):
/// one upper-cased string per component group, and the list of every component for fuzzy
/// matching (upper-cased and with accents removed, each preceded by a space so that
/// `GLOB '* WEI*'` is "some component starts with WEI").
struct PersonNameKey: Sendable, Hashable {
    var alphabetic: String?
    var ideographic: String?
    var phonetic: String?
    var words: String?

    init(_ value: String?) {
        guard let value, !value.isEmpty else { return }
        // Only the first value of a multi-valued PN is indexed (patient and referring names are VM 1).
        let first = PersonName.splitValues(value).first ?? ""
        let name = PersonName(first)
        alphabetic = PersonNameKey.fold(name.alphabetic)
        ideographic = PersonNameKey.fold(name.ideographic)
        phonetic = PersonNameKey.fold(name.phonetic)
        var w = ""
        for group in [name.alphabetic, name.ideographic, name.phonetic] {
            for c in PersonName.components(of: group) where !c.isEmpty {
                for part in c.split(separator: " ") {
                    w += " " + PersonNameKey.foldWord(String(part))
                }
            }
        }
        words = w.isEmpty ? nil : w + " "
    }

    /// Upper-cased group, nil when empty. Trailing empty components ("Zhang^Wei^^") are dropped
    /// so that they do not defeat exact matching.
    static func fold(_ group: String) -> String? {
        var g = Substring(group)
        while g.last == "^" || g.last == " " { g = g.dropLast() }
        return g.isEmpty ? nil : g.uppercased()
    }

    /// Upper-cased with combining marks removed (é → E, ü → U): fuzzy matching ignores accents.
    static func foldWord(_ s: String) -> String {
        var scalars = String.UnicodeScalarView()
        for u in s.decomposedStringWithCanonicalMapping.unicodeScalars {
            if u.properties.generalCategory != .nonspacingMark { scalars.append(u) }
        }
        return String(scalars).uppercased()
    }
}
