/// Strict trial decodings used by the mislabelled-text fallbacks (see ``CharacterSetOptions``).
enum FallbackDecoder {
    /// The text of `p` in the first of `encodings` that decodes it without error, or nil.
    /// GB18030 and GBK are also refused when the bytes look like a Latin-1 word (see
    /// ``looksLikeLatin1Word(_:)``).
    static func firstStrict(_ p: UnsafeRawBufferPointer, among encodings: [FallbackEncoding]) -> String? {
        for encoding in encodings {
            if (encoding == .gb18030 || encoding == .gbk) && looksLikeLatin1Word(p) { continue }
            if let text = strict(p, as: encoding) { return text }
        }
        return nil
    }

    /// The text of `p` in `encoding`, or nil when the bytes are not valid in it.
    static func strict(_ p: UnsafeRawBufferPointer, as encoding: FallbackEncoding) -> String? {
        switch encoding {
        case .utf8:
            return String(validating: p, as: UTF8.self)
        case .gb18030, .gbk:
            var out: [UInt8] = []
            out.reserveCapacity(p.count * 2)
            let name = encoding == .gb18030 ? "GB18030" : "GBK"
            guard Iconv.decode(p, from: name, stopAtFirstError: true, into: &out) == 0 else { return nil }
            return String(decoding: out, as: UTF8.self)
        case .latin1:
            return latin1(p)
        }
    }

    /// Override test for a declared ISO_IR 100 value (see ``CharacterSetOptions/latin1Overrides``).
    static func latin1Override(_ p: UnsafeRawBufferPointer, as encoding: FallbackEncoding) -> String? {
        switch encoding {
        case .gb18030, .gbk:
            guard allHighBytesPairInGB2312Zone(p), !looksLikeLatin1Word(p) else { return nil }
            return strict(p, as: encoding)
        case .utf8:
            // Only a value with a real multi-byte sequence says "UTF-8"; callers only get here with
            // bytes ≥ 0x80 present, so a valid decoding has one.
            return strict(p, as: .utf8)
        case .latin1:
            return nil
        }
    }

    /// Whether every byte ≥ 0x80 is part of a double byte with lead 0xA1–0xA9 or 0xB0–0xF7 (GB 2312
    /// symbols and hanzi) and trail 0xA1–0xFE. Latin-1 text with an accented letter next to an ASCII
    /// letter, or a lone accented letter, fails.
    static func allHighBytesPairInGB2312Zone(_ p: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        var pairs = 0
        while i < p.count {
            let b = p[i]
            if b < 0x80 {
                i += 1
                continue
            }
            guard (0xA1...0xA9).contains(b) || (0xB0...0xF7).contains(b), i + 1 < p.count,
                (0xA1...0xFE).contains(p[i + 1])
            else { return false }
            pairs += 1
            i += 2
        }
        return pairs > 0
    }

    /// Whether a lone double byte with both bytes ≥ 0x80 sits between two ASCII letters, read as
    /// GB18030 characters: that is two accented Latin-1 letters inside a word ("FUNÇÃO", "Função",
    /// "créée"), which also pair up as valid GB 2312 hanzi. Chinese text seldom puts a single hanzi
    /// between two Latin letters with no space.
    static func looksLikeLatin1Word(_ p: UnsafeRawBufferPointer) -> Bool {
        func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
        let n = p.count
        var i = 0
        var previousIsLetter = false
        while i < n {
            let b = p[i]
            if b < 0x80 {
                previousIsLetter = isLetter(b)
                i += 1
                continue
            }
            // A GB18030 four-byte character has a digit as its second byte.
            let length = i + 1 < n && (0x30...0x39).contains(p[i + 1]) ? 4 : 2
            if length == 2, previousIsLetter, i + 2 < n, p[i + 1] >= 0x80, isLetter(p[i + 2]) { return true }
            previousIsLetter = false
            i += length
        }
        return false
    }

    /// ISO 8859-1: every byte is the scalar of the same value.
    static func latin1(_ p: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(p.count * 2)
        for b in p { appendUTF8(UInt32(b), to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
