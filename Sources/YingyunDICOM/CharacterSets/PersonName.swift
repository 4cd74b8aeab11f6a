public import NIOCore

/// One Person Name (PN) value: up to three component groups (PS3.5 §6.2.1).
///
/// The groups are separated by "=": alphabetic, ideographic, phonetic, e.g.
/// `Yamada^Tarou=山田^太郎=やまだ^たろう`. Empty groups keep their place (`=山田^太郎` has an empty
/// alphabetic group); trailing empty groups may be omitted in the encoding, so `"Wang^XiaoDong"`,
/// `"Wang^XiaoDong="` and `"Wang^XiaoDong=="` are the same name. Within a group, "^" separates the
/// family name, given name, middle name, prefix and suffix components.
///
/// Decode the whole element value first, then split: in ISO 2022 each group may switch character
/// set through escape sequences, and in GB18030/GBK a trail byte may be 0x5C ("\").
public struct PersonName: Sendable, Hashable, CustomStringConvertible {
    /// The alphabetic (single-byte) representation.
    public var alphabetic: String
    /// The ideographic representation (kanji, hanzi, hanja).
    public var ideographic: String
    /// The phonetic representation (hiragana, katakana, hangul, pinyin...).
    public var phonetic: String

    /// - Parameters:
    ///   - alphabetic: The alphabetic group.
    ///   - ideographic: The ideographic group.
    ///   - phonetic: The phonetic group.
    public init(alphabetic: String = "", ideographic: String = "", phonetic: String = "") {
        self.alphabetic = alphabetic
        self.ideographic = ideographic
        self.phonetic = phonetic
    }

    /// Splits one decoded PN value into its component groups.
    ///
    /// A value with more than two "=" is malformed; the extra text stays in the phonetic group
    /// rather than being lost.
    /// - Parameter value: One value (no "\"), padding already removed.
    public init(_ value: String) {
        let groups = value.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
        self.init(
            alphabetic: groups.count > 0 ? String(groups[0]) : "",
            ideographic: groups.count > 1 ? String(groups[1]) : "",
            phonetic: groups.count > 2 ? String(groups[2]) : ""
        )
    }

    /// Decodes the first value of a PN element.
    /// - Parameters:
    ///   - bytes: The whole element value.
    ///   - characterSet: The data set's Specific Character Set.
    ///   - options: The fallbacks for mislabelled text.
    public init(
        decoding bytes: ByteBuffer,
        characterSet: SpecificCharacterSet = .default,
        options: CharacterSetOptions = .default
    ) {
        let values = PersonName.values(decoding: bytes, characterSet: characterSet, options: options)
        self = values.first ?? PersonName()
    }

    /// Decodes all values of a PN element.
    /// - Parameters:
    ///   - bytes: The whole element value.
    ///   - characterSet: The data set's Specific Character Set.
    ///   - options: The fallbacks for mislabelled text.
    /// - Returns: One name per value; empty for an empty element.
    public static func values(
        decoding bytes: ByteBuffer,
        characterSet: SpecificCharacterSet = .default,
        options: CharacterSetOptions = .default
    ) -> [PersonName] {
        let text = characterSet.decode(bytes, vr: .PN, options: options)
        return splitValues(text).map(PersonName.init)
    }

    /// Splits a decoded multi-valued PN string on "\" (PS3.5 §6.4) and removes each value's padding
    /// (leading and trailing spaces, trailing NULs).
    /// - Parameter decoded: The whole value, already decoded to text.
    /// - Returns: The values; empty when the text is empty or only padding.
    public static func splitValues(_ decoded: String) -> [String] {
        let values = decoded.split(separator: "\\", omittingEmptySubsequences: false).map { value in
            var v = Substring(value)
            while let last = v.last, last == " " || last == "\0" { v = v.dropLast() }
            while let first = v.first, first == " " { v = v.dropFirst() }
            return String(v)
        }
        return values == [""] ? [] : values
    }

    /// Whether all three groups are empty.
    public var isEmpty: Bool { alphabetic.isEmpty && ideographic.isEmpty && phonetic.isEmpty }

    /// The components of a group split on "^": family, given, middle, prefix, suffix (as present).
    /// - Parameter group: One of `alphabetic`, `ideographic`, `phonetic`.
    /// - Returns: The components, empty ones kept.
    public static func components(of group: String) -> [String] {
        group.isEmpty ? [] : group.split(separator: "^", omittingEmptySubsequences: false).map(String.init)
    }

    /// The PN encoding of the value, trailing empty groups omitted (PS3.5 §6.2.1).
    public var description: String {
        if !phonetic.isEmpty { return "\(alphabetic)=\(ideographic)=\(phonetic)" }
        if !ideographic.isEmpty { return "\(alphabetic)=\(ideographic)" }
        return alphabetic
    }
}
