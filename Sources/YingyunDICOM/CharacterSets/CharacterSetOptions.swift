/// How text whose bytes do not fit the declared Specific Character Set is decoded.
///
/// Chinese modalities and gateways often send GBK/GB18030 (or UTF-8) bytes while declaring nothing
/// (the default repertoire, ISO-IR 6) or ISO_IR 100. A strict decoder would turn every such patient
/// name into replacement characters; these options say which other encodings to try, in order:
///
/// - **Default repertoire declared** (no (0008,0005), "ISO_IR 6", or only unrecognised terms) and bytes
///   ≥ 0x80 present: each of `undeclaredFallbacks` is tried as a *strict* decoding of the whole value
///   (UTF-8 must be well formed, GB18030/GBK must have no invalid sequence); the first that succeeds
///   wins, except that GB18030/GBK are skipped when the bytes look like a Latin-1 word (see below).
///   Default: UTF-8, then GB18030, then Latin-1 (which accepts everything). A short GB18030 name
///   can also be valid UTF-8 (小 is D0 A1, which is also UTF-8 for "С"); UTF-8 is tried first
///   because a valid multi-byte UTF-8 sequence is rarely an accident.
/// - **ISO_IR 100 declared**: Latin-1 accepts every byte, so each of `latin1Overrides` is accepted
///   only when the bytes fit a strict test. `.gb18030`/`.gbk`: every byte ≥ 0x80 pairs into a
///   GB 2312-zone double byte (lead 0xA1–0xA9 or 0xB0–0xF7, trail 0xA1–0xFE) and the value decodes
///   cleanly, and no lone double byte sits between two ASCII letters (two accented letters inside a
///   word, as in Portuguese "FUNÇÃO" or French "créée", pair up like a hanzi). Real Latin-1 text
///   almost never passes both tests: none of the 943 ISO_IR 100 text values of pydicom's test and
///   charset files (chrFren, chrFrenMulti, chrGerm, ...) is misdetected. `.utf8`: the value is
///   well-formed UTF-8 with at least one multi-byte sequence. Default: GB18030, then UTF-8.
/// - **ISO_IR 192 declared** but the bytes are not well-formed UTF-8: `invalidUTF8Fallbacks` are tried
///   strictly. Default: GB18030.
/// - **ISO 2022 code extensions** with bytes ≥ 0x80 while no G1 set is designated: when
///   `recoversCodeExtensions` is on, the first G1 set any value of (0008,0005) declares is assumed
///   (a forgotten escape sequence); with none declared the `undeclaredFallbacks` apply. Escape
///   sequences found in a value declared with the default repertoire are honoured too.
///
/// Whatever the options, a value is never dropped: undecodable bytes become U+FFFD. Every use of a
/// fallback is reported by ``SpecificCharacterSet/decodeReportingFallback(_:vr:options:)`` so the
/// parser can record a warning.
public struct CharacterSetOptions: Sendable, Hashable {
    /// Encodings tried, in order, when the default repertoire is declared but bytes ≥ 0x80 appear.
    public var undeclaredFallbacks: [FallbackEncoding]
    /// Encodings that override a declared ISO_IR 100 when the bytes pass their strict test.
    public var latin1Overrides: [FallbackEncoding]
    /// Encodings tried when ISO_IR 192 is declared but the bytes are not well-formed UTF-8.
    public var invalidUTF8Fallbacks: [FallbackEncoding]
    /// Whether missing G1 designations and escape sequences under the default repertoire are recovered.
    public var recoversCodeExtensions: Bool

    /// Lenient decoding for Chinese-market data, as described above.
    public static let `default` = CharacterSetOptions()

    /// The declared character set only: bytes it does not define become U+FFFD.
    public static let strict = CharacterSetOptions(
        undeclaredFallbacks: [],
        latin1Overrides: [],
        invalidUTF8Fallbacks: [],
        recoversCodeExtensions: false
    )

    /// - Parameters:
    ///   - undeclaredFallbacks: Tried when the default repertoire is declared and bytes ≥ 0x80 appear.
    ///   - latin1Overrides: Tried (with their strict tests) when ISO_IR 100 is declared.
    ///   - invalidUTF8Fallbacks: Tried when ISO_IR 192 is declared but the bytes are not UTF-8.
    ///   - recoversCodeExtensions: Recover forgotten G1 escape sequences and escapes under the default repertoire.
    public init(
        undeclaredFallbacks: [FallbackEncoding] = [.utf8, .gb18030, .latin1],
        latin1Overrides: [FallbackEncoding] = [.gb18030, .utf8],
        invalidUTF8Fallbacks: [FallbackEncoding] = [.gb18030],
        recoversCodeExtensions: Bool = true
    ) {
        self.undeclaredFallbacks = undeclaredFallbacks
        self.latin1Overrides = latin1Overrides
        self.invalidUTF8Fallbacks = invalidUTF8Fallbacks
        self.recoversCodeExtensions = recoversCodeExtensions
    }

    /// Whether any fallback is enabled.
    public var isStrict: Bool {
        undeclaredFallbacks.isEmpty && latin1Overrides.isEmpty && invalidUTF8Fallbacks.isEmpty
            && !recoversCodeExtensions
    }
}

/// An encoding tried when the bytes do not fit the declared character set.
public enum FallbackEncoding: String, Sendable, Hashable, CaseIterable {
    /// UTF-8 (ISO_IR 192), accepted only when well formed.
    case utf8
    /// GB18030, accepted only without invalid sequences.
    case gb18030
    /// GBK, accepted only without invalid sequences.
    case gbk
    /// ISO 8859-1, which accepts every byte: put it last.
    case latin1
}
