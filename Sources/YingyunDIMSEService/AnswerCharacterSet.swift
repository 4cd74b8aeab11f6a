import NIOCore
import YingyunDICOM

/// The character set C-FIND answers are written in: the one the identifier's Specific Character
/// Set (0008,0005) asks for when it is a Chinese one we can write (GB18030, GBK, ISO 2022 IR 58
/// with escape sequences), else UTF-8 (PS3.4 C.4.1.1.3.1 lets the SCP answer in another set and
/// declare it). Catalog values are UTF-8; text VRs are re-encoded value by value.
struct AnswerCharacterSet {
    enum Kind { case gb18030, gbk, iso2022IR58 }
    let kind: Kind
    /// The (0008,0005) values of the answer.
    let terms: [String]

    /// nil: answer in UTF-8.
    init?(requested: SpecificCharacterSet) {
        let t = requested.terms.map { $0.uppercased() }
        if t == ["GB18030"] {
            kind = .gb18030
        } else if t == ["GBK"] {
            kind = .gbk
        } else if t.count == 2, t[0] == "" || t[0] == "ISO 2022 IR 6", t[1] == "ISO 2022 IR 58" {
            kind = .iso2022IR58
        } else {
            return nil
        }
        terms = requested.terms
    }

    static let textVRs: Set<VR> = [.SH, .LO, .ST, .LT, .PN, .UC, .UT]

    /// The element with its UTF-8 text re-encoded; nil when a character is not representable.
    func encode(_ element: DataElement) -> DataElement? {
        guard Self.textVRs.contains(element.vr), let bytes = element.bytes, bytes.readableBytes > 0 else { return element }
        let view = bytes.readableBytesView
        if view.allSatisfy({ $0 < 0x80 }) { return element }
        var text = String(decoding: view, as: UTF8.self)
        while text.last == " " || text.last == "\0" { text.removeLast() }
        guard var out = encode(text, vr: element.vr) else { return nil }
        if out.count % 2 == 1 { out.append(0x20) }
        return DataElement(tag: element.tag, vr: element.vr, bytes: ByteBuffer(bytes: out))
    }

    func encode(_ text: String, vr: VR) -> [UInt8]? {
        switch kind {
        case .gb18030: return SpecificCharacterSet.gb18030.encode(text, vr: vr)
        case .gbk: return SpecificCharacterSet(terms: ["GBK"]).encode(text, vr: vr)
        case .iso2022IR58: return Self.iso2022IR58(text, vr: vr)
        }
    }

    /// ISO 2022 IR 58 (PS3.5 §6.1.2.5.3): GB 2312 designated to G1 by ESC $ ) A before the first
    /// Chinese character of each value, and (PN) of each component group and component, because
    /// the designation returns to the initial state at each delimiter. GB 2312 in G1 is EUC-CN:
    /// the same two bytes as GB18030 for these characters.
    static func iso2022IR58(_ text: String, vr: VR) -> [UInt8]? {
        let delimiters: Set<Character> = vr == .PN ? ["\\", "=", "^"] : ["\\"]
        var out: [UInt8] = []
        var segment = ""
        func flush() -> Bool {
            defer { segment = "" }
            if segment.utf8.allSatisfy({ $0 < 0x80 }) {
                out += Array(segment.utf8)
                return true
            }
            guard let gb = SpecificCharacterSet.gb18030.encode(segment, vr: vr) else { return false }
            // Every non-ASCII character must be a GB 2312 one: two bytes, both 0xA1...0xFE.
            var i = 0
            while i < gb.count {
                if gb[i] < 0x80 { i += 1; continue }
                guard i + 1 < gb.count, (0xA1...0xFE).contains(gb[i]), (0xA1...0xFE).contains(gb[i + 1]) else { return false }
                i += 2
            }
            out += [0x1B, 0x24, 0x29, 0x41] + gb
            return true
        }
        for c in text {
            if delimiters.contains(c) {
                guard flush() else { return nil }
                out += Array(String(c).utf8)
            } else {
                segment.append(c)
            }
        }
        guard flush() else { return nil }
        return out
    }
}
