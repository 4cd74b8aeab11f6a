/// A defined term of Specific Character Set (0008,0005), PS3.3 C.12.1.1.2 Tables C.12-2 to C.12-5.
enum DefinedTerm: Sendable, Hashable {
    /// ISO-IR 6, the default repertoire (an empty value, "ISO_IR 6", "ISO 2022 IR 6").
    case defaultRepertoire
    /// An ISO 8859 part or TIS 620 ("ISO_IR 100", "ISO 2022 IR 100", ...).
    case singleByte(SingleByteSet)
    /// JIS X 0201 ("ISO_IR 13", "ISO 2022 IR 13"): Romaji in G0, Katakana in G1.
    case jisX0201
    /// "ISO 2022 IR 87".
    case jisX0208
    /// "ISO 2022 IR 159".
    case jisX0212
    /// "ISO 2022 IR 149".
    case ksX1001
    /// "ISO 2022 IR 58".
    case gb2312
    /// "ISO_IR 192".
    case utf8
    /// "GB18030".
    case gb18030
    /// "GBK".
    case gbk

    /// Recognises a term, tolerating the spellings found in the wild ("ISO-IR 100", "ISO_IR100",
    /// "iso_ir 100", "GB2312" for GB18030 and "UTF-8" for ISO_IR 192).
    /// - Returns: The term and whether it is the ISO 2022 form, or nil when unrecognised.
    static func parse(_ term: String) -> (term: DefinedTerm, isISO2022: Bool)? {
        let key = String(term.uppercased().unicodeScalars.filter { $0 != " " && $0 != "_" && $0 != "-" })
        switch key {
        case "": return (.defaultRepertoire, false)
        case "GB18030", "GB2312": return (.gb18030, false)
        case "GBK": return (.gbk, false)
        case "UTF8": return (.utf8, false)
        default: break
        }
        let isISO2022: Bool
        let digits: Substring
        if key.hasPrefix("ISO2022IR") {
            isISO2022 = true
            digits = key.dropFirst(9)
        } else if key.hasPrefix("ISOIR") {
            isISO2022 = false
            digits = key.dropFirst(5)
        } else {
            return nil
        }
        guard let number = Int(digits) else { return nil }
        switch number {
        case 6: return (.defaultRepertoire, isISO2022)
        case 13: return (.jisX0201, isISO2022)
        // The multi-byte sets exist only as code extensions, whatever the spelling.
        case 87: return (.jisX0208, true)
        case 159: return (.jisX0212, true)
        case 149: return (.ksX1001, true)
        case 58: return (.gb2312, true)
        case 192: return (.utf8, false)
        default:
            guard let set = SingleByteSet(irNumber: number) else { return nil }
            return (.singleByte(set), isISO2022)
        }
    }

    /// The G1 set this term designates, if any.
    var g1: G1Set? {
        switch self {
        case .singleByte(let set): return .singleByte(set)
        case .jisX0201: return .katakana
        case .ksX1001: return .ksX1001
        case .gb2312: return .gb2312
        default: return nil
        }
    }

    /// Whether the term is one of the encodings that cannot be combined with code extensions.
    var isStandalone: Bool { self == .utf8 || self == .gb18030 || self == .gbk }
}

/// How a Specific Character Set turns bytes into text, worked out once from its terms.
enum DecodingPlan: Sendable, Hashable {
    case defaultRepertoire
    case singleByte(SingleByteSet)
    case utf8
    case gb18030
    case gbk
    case codeExtensions(CodeExtensionContext)

    init(terms: [String]) {
        let parsed = terms.compactMap { DefinedTerm.parse($0) }
        // UTF-8, GB18030 and GBK exclude code extensions (PS3.3 C.12.1.1.2); when one is listed
        // among others, it is what the writer really used.
        if let standalone = parsed.first(where: { $0.term.isStandalone }) {
            switch standalone.term {
            case .utf8: self = .utf8
            case .gbk: self = .gbk
            default: self = .gb18030
            }
            return
        }
        // Value 1 may be empty, meaning ISO 2022 IR 6 (PS3.3 C.12.1.1.2); an unrecognised value 1
        // is treated the same way.
        let first = terms.first.flatMap { DefinedTerm.parse($0)?.term } ?? .defaultRepertoire
        let usesCodeExtensions =
            terms.count > 1 || parsed.contains { $0.isISO2022 } || first == .jisX0201
        if !usesCodeExtensions {
            switch first {
            case .singleByte(let set): self = .singleByte(set)
            default: self = .defaultRepertoire
            }
            return
        }
        var context = CodeExtensionContext()
        if first == .jisX0201 { context.initialG0 = .jisRoman }
        context.initialG1 = first.g1
        context.declaredG1 = parsed.lazy.compactMap { $0.term.g1 }.first
        self = .codeExtensions(context)
    }
}
