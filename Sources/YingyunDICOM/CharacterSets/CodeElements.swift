/// Code elements of ISO/IEC 2022 code extension techniques as DICOM uses them
/// (PS3.5 §6.1.2.5, PS3.3 C.12.1.1.2 Tables C.12-3 and C.12-4).

/// A graphic set invoked into GL (bytes 0x21–0x7E) through G0.
enum G0Set: Sendable, Hashable {
    /// ISO-IR 6 (ASCII), ESC 02/08 04/02.
    case ascii
    /// JIS X 0201 Romaji, ESC 02/08 04/10 (ISO-IR 14). Decoded as ASCII: like pydicom and dcmtk we do
    /// not turn 05/12 into YEN SIGN, so it keeps working as the value delimiter.
    case jisRoman
    /// JIS X 0208 (ISO-IR 87), ESC 02/04 04/02: two bytes per character.
    case jisX0208
    /// JIS X 0212 (ISO-IR 159), ESC 02/04 02/08 04/04: two bytes per character.
    case jisX0212

    var isMultiByte: Bool { self == .jisX0208 || self == .jisX0212 }
}

/// A graphic set invoked into GR (bytes 0xA0–0xFF) through G1.
enum G1Set: Sendable, Hashable {
    /// The upper half of an ISO 8859 part or TIS 620, ESC 02/13 F.
    case singleByte(SingleByteSet)
    /// JIS X 0201 Katakana (ISO-IR 13), ESC 02/09 04/09.
    case katakana
    /// KS X 1001 (ISO-IR 149), ESC 02/04 02/09 04/03: two bytes per character.
    case ksX1001
    /// GB 2312 (ISO-IR 58), ESC 02/04 02/09 04/01: two bytes per character.
    case gb2312

    /// iconv name of the EUC code whose upper half is this set (the bytes are used as they are).
    var eucName: String? {
        switch self {
        case .ksX1001: return "EUC-KR"
        case .gb2312: return "GB2312"
        default: return nil
        }
    }
}

/// The designation an escape sequence makes.
enum Designation: Sendable, Hashable {
    case g0(G0Set)
    case g1(G1Set)

    /// Recognises the escape sequence starting at `p[i]` (which is ESC).
    /// - Returns: The designation and the sequence length, or nil for an unknown sequence.
    static func parse(_ p: UnsafeRawBufferPointer, at i: Int) -> (Designation, Int)? {
        func byte(_ k: Int) -> UInt8? { i + k < p.count ? p[i + k] : nil }
        switch (byte(1), byte(2), byte(3)) {
        case (0x28, 0x42, _): return (.g0(.ascii), 3)  // ESC ( B
        case (0x28, 0x4A, _): return (.g0(.jisRoman), 3)  // ESC ( J
        case (0x29, 0x49, _): return (.g1(.katakana), 3)  // ESC ) I
        case (0x24, 0x42, _), (0x24, 0x40, _): return (.g0(.jisX0208), 3)  // ESC $ B (ESC $ @: the 1978 edition)
        case (0x24, 0x28, 0x44): return (.g0(.jisX0212), 4)  // ESC $ ( D
        case (0x24, 0x29, 0x43): return (.g1(.ksX1001), 4)  // ESC $ ) C
        case (0x24, 0x29, 0x41): return (.g1(.gb2312), 4)  // ESC $ ) A
        case (0x2D, let f?, _):  // ESC - F
            if let set = SingleByteSet(escapeFinal: f) { return (.g1(.singleByte(set)), 3) }
            return nil
        default: return nil
        }
    }
}

/// The ISO 2022 environment a Specific Character Set with code extensions sets up.
struct CodeExtensionContext: Sendable, Hashable {
    /// G0 at the start of a value and after each reset (from value 1 of (0008,0005)).
    var initialG0: G0Set = .ascii
    /// G1 at the start of a value and after each reset; nil when value 1 designates none.
    var initialG1: G1Set? = nil
    /// The first G1 set any value of (0008,0005) declares: used to recover bytes ≥ 0x80 met
    /// while no G1 is designated (a writer that forgot the escape sequence).
    var declaredG1: G1Set? = nil
}
